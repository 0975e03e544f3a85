package io.switchover.core.diagnosis;

/**
 * The decision tables that turn a diagnosis into a finding. Pure functions: the only place where
 * these decisions are made.
 */
public final class Verdicts {

    private Verdicts() {}

    /**
     * The five-way decision on a module monitor notification (source figure 12), after the
     * confirmation pings: {@code moduleAnswered} is whether any of them got an answer.
     *
     * <p>The spec's rows name "both connections up"; with one connection up, the module was pinged
     * through that one, so the answer (or its absence) is just as conclusive, and the row says so.
     */
    public static Verdict onModuleNotification(Diagnosis diagnosis, boolean moduleAnswered) {
        if (!diagnosis.network().isGood()) {
            return diagnosis.primaryHost().reachable()
                    ? new Verdict(
                            Finding.REMOTE_NOTIFIER_DOWN,
                            "network not OK, primary reachable",
                            diagnosis)
                    : new Verdict(
                            Finding.PRIMARY_UNREACHABLE,
                            "network not OK, primary unreachable",
                            diagnosis);
        }
        String connections =
                switch (diagnosis.connections()) {
                    case BOTH_UP -> "both connections up";
                    case MAIN_ONLY -> "main connection up (auxiliary down)";
                    case AUXILIARY_ONLY -> "auxiliary connection up (main down)";
                    case BOTH_DOWN -> null;
                };
        if (connections == null) {
            return new Verdict(
                    Finding.REMOTE_NOTIFIER_DOWN, "network OK, both connections down", diagnosis);
        }
        return moduleAnswered
                ? new Verdict(
                        Finding.MODULE_UP,
                        "network OK, " + connections + ", module answers",
                        diagnosis)
                : new Verdict(
                        Finding.MODULE_DOWN,
                        "network OK, " + connections + ", module cannot be pinged",
                        diagnosis);
    }

    /**
     * The decision after notifier pings failed and their retries ran out (source figure 11): the
     * primary's host, pinged throughout the diagnosis, tells a dead or cut-off host from a daemon
     * that stopped answering on a live host.
     */
    public static Verdict onNotifierFailure(Diagnosis diagnosis) {
        return diagnosis.primaryHost().reachable()
                ? new Verdict(
                        Finding.REMOTE_NOTIFIER_DOWN,
                        "notifier silent, primary host reachable",
                        diagnosis)
                : new Verdict(
                        Finding.PRIMARY_UNREACHABLE,
                        "notifier silent, primary host unreachable",
                        diagnosis);
    }
}
