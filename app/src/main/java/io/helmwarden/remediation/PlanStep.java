package io.helmwarden.remediation;

/** One step of a remediation as people preview it: what it changes, before and after. */
public record PlanStep(String name, String title, String before, String after) {
}
