package io.helmwarden.check;

/** How bad a finding is, and what it costs a posture score (see {@link Posture}). */
public enum Severity {
    CRITICAL(40),
    HIGH(20),
    MEDIUM(8),
    LOW(3),
    INFO(0);

    private final int weight;

    Severity(int weight) {
        this.weight = weight;
    }

    public int weight() {
        return weight;
    }

    public String label() {
        return name().charAt(0) + name().substring(1).toLowerCase();
    }
}
