package io.helmwarden.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import io.helmwarden.support.kube.KubeApiServer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults struck at a run's {@link FaultPoint}s on the real API server, for the fault-injection tests: the app
 * "crashes" (an Error thrown at the fault point leaves the step RUNNING in the database, exactly what a killed JVM
 * leaves; the restart is the run claimed after its lease and executed again), or kube-apiserver is killed with
 * SIGKILL and started again while the step goes on (a step that fails meanwhile is resumed, as a person would).
 */
final class RunFaults {

    enum Kind { APP_CRASH, API_SERVER_KILL }

    /** @param restartAfterMillis for an API server kill, how long it stays down */
    record Fault(String point, Kind kind, int restartAfterMillis) {

        Fault(String point, Kind kind) {
            this(point, kind, 700);
        }
    }

    /** What a killed JVM leaves behind; not an Exception, so the executor cannot record it. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String point) {
            super("simulated crash at " + point);
        }
    }

    final AtomicInteger crashes = new AtomicInteger();
    final AtomicInteger kills = new AtomicInteger();
    /** Steps that failed while the API server was away (the rest rode out the outage on client retries). */
    final AtomicInteger failedSteps = new AtomicInteger();

    private final RemediationExecutor executor;
    private final RemediationRuns runs;
    private final KubeApiServer server;

    RunFaults(RemediationExecutor executor, RemediationRuns runs, KubeApiServer server) {
        this.executor = executor;
        this.runs = runs;
        this.server = server;
    }

    /** Every point a fault can strike in a kind's run: before each step, after each step's effect, and these. */
    static List<String> points(RemediationKind kind, String... midStep) {
        List<String> points = new ArrayList<>();
        kind.stepNames().forEach(step -> {
            points.add("before " + step);
            points.add("after " + step);
        });
        points.addAll(List.of(midStep));
        return List.copyOf(points);
    }

    /** Up to three faults at random points, a third of them API server kills. */
    static List<Fault> random(Random random, List<String> points) {
        List<Fault> faults = new ArrayList<>();
        for (int f = random.nextInt(1, 4); f > 0; f--) {
            faults.add(new Fault(points.get(random.nextInt(points.size())),
                    random.nextInt(3) == 0 ? Kind.API_SERVER_KILL : Kind.APP_CRASH, random.nextInt(200, 1500)));
        }
        return faults;
    }

    /**
     * Executes the run while the faults strike (each once, in order of the points reached), restarting after every
     * crash and resuming after every failure, until it is done.
     *
     * @return how many faults struck
     */
    int runThrough(RemediationRun run, List<Fault> faults) {
        Deque<Fault> pending = new ArrayDeque<>(faults);
        List<Thread> restarts = new ArrayList<>();
        AtomicInteger struck = new AtomicInteger();
        Object lock = new Object();
        executor.faults = point -> {
            // Steps may reach their points from several threads (parallel writes): one fault strikes once.
            Fault next;
            synchronized (lock) {
                next = pending.peek();
                if (next == null || !next.point().equals(point)) {
                    return;
                }
                pending.poll();
            }
            struck.incrementAndGet();
            if (next.kind() == Kind.APP_CRASH) {
                crashes.incrementAndGet();
                throw new SimulatedCrash(point);
            }
            kills.incrementAndGet();
            server.kill();
            Thread restart = new Thread(() -> {
                sleep(next.restartAfterMillis());
                server.startAgain();
            }, "kube-apiserver-restart");
            restarts.add(restart);
            restart.start();
        };
        try {
            for (int attempt = 0; attempt < 10; attempt++) {
                try {
                    executor.execute(run.id());
                } catch (SimulatedCrash crash) {
                    // The "restarted app": the dead worker's lease has passed, so this instance claims and resumes.
                    assertThat(runs.find(run.id()).orElseThrow().state()).isEqualTo(RemediationRun.State.RUNNING);
                    assertThat(runs.claim(run.id(), Duration.ofMillis(-1))).isTrue();
                    continue;
                } finally {
                    restarts.forEach(RunFaults::join);
                }
                RemediationRun after = runs.find(run.id()).orElseThrow();
                if (after.state() == RemediationRun.State.DONE) {
                    break;
                }
                // A step failed while the API server was away: resumed on request, from the failed step.
                assertThat(after.state()).as(after.error()).isEqualTo(RemediationRun.State.FAILED);
                failedSteps.incrementAndGet();
                runs.reopen(run.id(), run.tillerId());
            }
        } finally {
            executor.faults = FaultPoint.NONE;
        }
        RemediationRun done = runs.find(run.id()).orElseThrow();
        assertThat(done.state()).as("%s with faults %s: %s", run.tillerId(), faults, done.error())
                .isEqualTo(RemediationRun.State.DONE);
        return struck.get();
    }

    void report(String what, int runsMade) {
        System.out.printf("fault injection (%s): %d runs, %d faults struck (%d app crashes, %d API server kills),"
                + " %d steps failed and were resumed%n", what, runsMade, crashes.get() + kills.get(), crashes.get(),
                kills.get(), failedSteps.get());
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
