package io.helmwarden.web;

/**
 * The confirmation every destructive or cluster-changing action asks for: the person types the full name of
 * what it acts on (a Tiller's cluster/namespace/name, since the same namespace and name exist on every cluster;
 * a cluster's or team's id for a bulk run). Bound from the form field {@code confirm}.
 */
public record TypedConfirmation(String confirm) {

    /** Whether what was typed is exactly the expected name (surrounding blanks aside). */
    public boolean confirms(String expected) {
        return confirm != null && expected.equals(confirm.strip());
    }

    /** What the form says when it does not: "Type prod/kube-system/tiller-deploy to confirm the rollback." */
    public static String ask(String expected, String action) {
        return "Type " + expected + " to confirm" + (action.isEmpty() ? "" : " " + action) + ".";
    }
}
