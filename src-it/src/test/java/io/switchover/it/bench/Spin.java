package io.switchover.it.bench;

/**
 * A CPU-saturating load: {@code threads} busy-looping threads for {@code seconds}, then exit. The
 * soak starts one inside each node's namespace ({@code ip netns exec NS java ... Spin T S}), so it
 * is bounded in time even if the soak itself dies, and kills it by pid when done.
 */
public final class Spin {
    private static volatile long sink;

    private Spin() {}

    public static void main(String[] args) throws InterruptedException {
        int threads = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        if (threads < 1 || threads > 64 || seconds < 1 || seconds > 24 * 3600) {
            throw new IllegalArgumentException("Spin THREADS(1..64) SECONDS(1..86400)");
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] spinners = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            spinners[i] =
                    new Thread(
                            () -> {
                                long x = 1;
                                while (System.nanoTime() - end < 0) {
                                    for (int j = 0; j < 100_000; j++) {
                                        x = x * 6364136223846793005L + 1442695040888963407L;
                                    }
                                    sink = x;
                                }
                            },
                            "spin-" + i);
            spinners[i].start();
        }
        for (Thread t : spinners) {
            t.join();
        }
    }
}
