package io.helmwarden.check;

import java.util.Collection;
import java.util.OptionalInt;

/**
 * The posture score: 100 minus the weights of a Tiller's open (not exempt) findings — critical 40,
 * high 20, medium 8, low 3, info 0 — never below 0. A team's or a cluster's score is the mean of its
 * Tillers' scores, rounded down; with no Tiller there is no score.
 */
public final class Posture {

    private Posture() {
    }

    public static int ofTiller(Collection<Finding> findings) {
        int cost = findings.stream().filter(finding -> !finding.exempt()).mapToInt(finding -> finding.severity().weight())
                .sum();
        return Math.max(0, 100 - cost);
    }

    public static OptionalInt mean(Collection<Integer> scores) {
        return scores.isEmpty() ? OptionalInt.empty()
                : OptionalInt.of((int) Math.floor(scores.stream().mapToInt(Integer::intValue).average().orElse(0)));
    }
}
