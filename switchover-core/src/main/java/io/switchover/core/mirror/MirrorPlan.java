package io.switchover.core.mirror;

import java.util.List;

/**
 * The steps that bring the backup's copy of a directory in line, in the order to apply them.
 *
 * @param ops every step; {@link MirrorOp.Transfer}s carry content, the rest go in apply requests
 */
public record MirrorPlan(List<MirrorOp> ops) {
    public MirrorPlan {
        ops = List.copyOf(ops);
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** Bytes the transfers will send. */
    public long transferBytes() {
        long n = 0;
        for (MirrorOp op : ops) {
            if (op instanceof MirrorOp.Transfer t) {
                n += t.entry().size();
            }
        }
        return n;
    }
}
