package io.switchover.core.diagnosis;

import java.util.Objects;

/**
 * A finding, the row of the decision table that produced it (in the spec's words, so that a log
 * reader can find the row), and the diagnosis it was drawn from.
 */
public record Verdict(Finding finding, String row, Diagnosis diagnosis) {

    public Verdict {
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(diagnosis, "diagnosis");
    }

    @Override
    public String toString() {
        return finding + " (" + row + "; " + diagnosis.summary() + ")";
    }
}
