package io.helmwarden.remediation;

/**
 * Where fault-injection tests strike a run: before and after each step's effect (the "after" point is the
 * dangerous one: the cluster has changed, the database does not know yet) and after each record copied.
 * Production runs use {@link #NONE}.
 */
@FunctionalInterface
interface FaultPoint {

    FaultPoint NONE = point -> {
    };

    /** Called with "before &lt;step&gt;", "after &lt;step&gt;" or "copied &lt;n&gt;". */
    void reached(String point);
}
