package io.switchover.daemon.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The file tree {@link MirrorBench} mirrors, planned from a fixed seed: the same parameters give
 * the same names, sizes, times and bytes on every machine.
 *
 * <pre>
 *   area/year/month/group/name.ext       e.g. accounts/2023/07/customer-0412/invoice-079190.pdf
 * </pre>
 *
 * About 25 files per leaf directory. Most files are small (1 to 64 KiB, log-uniform, so most of
 * them are a few KiB); 1 % are large and share what is left of the byte budget (at least 1 MiB
 * each), so they carry most of the bytes, as archives and media do on a real server. Content is
 * random (nothing for a transport to compress); times are spread over 2024, so the comparison
 * trusts size and time rather than hashing files that look freshly written.
 */
final class BenchTree {
    static final long SEED = 0x5317_c40e_2026L;

    private static final int KIB = 1024;
    private static final long MIB = 1024 * 1024;
    private static final int FILES_PER_DIRECTORY = 25;
    private static final int BUFFER = (int) MIB;
    private static final Instant TIMES_FROM = Instant.parse("2024-01-01T00:00:00Z");
    private static final int TIMES_SPAN_SECONDS = 366 * 24 * 3600;

    /** Per area: the group directories' prefix and the names of its small and large files. */
    private record Area(String name, String group, List<String> small, List<String> large) {}

    private static final List<Area> AREAS =
            List.of(
                    new Area(
                            "accounts",
                            "customer-",
                            List.of("invoice-%06d.pdf", "statement-%06d.pdf", "ledger-%06d.csv"),
                            List.of("ledger-export-%06d.zip")),
                    new Area(
                            "contracts",
                            "partner-",
                            List.of("contract-%06d.pdf", "amendment-%06d.docx"),
                            List.of("scans-%06d.tar.gz")),
                    new Area(
                            "media",
                            "shoot-",
                            List.of("IMG_%06d.jpg", "thumb-%06d.png"),
                            List.of("clip-%06d.mp4", "raw-%06d.mov")),
                    new Area(
                            "reports",
                            "team-",
                            List.of("report-%06d.xlsx", "figures-%06d.json", "notes-%06d.txt"),
                            List.of("dataset-%06d.parquet")),
                    new Area(
                            "support",
                            "ticket-",
                            List.of("mail-%06d.eml", "screenshot-%06d.png", "trace-%06d.log"),
                            List.of("heapdump-%06d.hprof")),
                    new Area(
                            "archive",
                            "batch-",
                            List.of("manifest-%06d.xml", "index-%06d.json"),
                            List.of("backup-%06d.tar.gz", "image-%06d.iso")));

    /** One file: its path under the root, size, modification time and the seed of its bytes. */
    record FileSpec(String path, long size, long epochSecond, long contentSeed, boolean large) {}

    private final List<FileSpec> files;
    private final int directories;

    private BenchTree(List<FileSpec> files, int directories) {
        this.files = List.copyOf(files);
        this.directories = directories;
    }

    /**
     * Plans {@code count} files of about {@code totalBytes} in all (more if the small files alone
     * exceed it: large files keep 1 MiB at least).
     */
    static BenchTree plan(int count, long totalBytes) {
        if (count < 1 || count > 999_999) {
            throw new IllegalArgumentException("1 to 999,999 files, not " + count);
        }
        SplittableRandom rnd = new SplittableRandom(SEED);
        int leafCount = Math.max(1, (count + FILES_PER_DIRECTORY - 1) / FILES_PER_DIRECTORY);
        int groups = Math.max(100, leafCount);
        // Far more combinations than leaves (6 * 7 * 12 * groups), so this ends quickly.
        Map<String, Area> leaves = new LinkedHashMap<>();
        while (leaves.size() < leafCount) {
            Area area = AREAS.get(rnd.nextInt(AREAS.size()));
            leaves.put(
                    String.format(
                            "%s/%d/%02d/%s%04d",
                            area.name(),
                            2019 + rnd.nextInt(7),
                            1 + rnd.nextInt(12),
                            area.group(),
                            rnd.nextInt(groups)),
                    area);
        }
        List<Map.Entry<String, Area>> leafList = new ArrayList<>(leaves.entrySet());

        int largeCount = Math.max(1, Math.round(count / 100f));
        List<Integer> order = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new java.util.Random(rnd.nextLong()));
        Set<Integer> large = Set.copyOf(order.subList(0, Math.min(largeCount, count)));

        long[] sizes = new long[count];
        double[] weights = new double[count];
        long smallBytes = 0;
        double weightSum = 0;
        for (int i = 0; i < count; i++) {
            if (large.contains(i)) {
                weights[i] = 0.5 + rnd.nextDouble();
                weightSum += weights[i];
            } else {
                sizes[i] = Math.round(KIB * Math.pow(64, rnd.nextDouble()));
                smallBytes += sizes[i];
            }
        }
        long forLarge = Math.max(0, totalBytes - smallBytes);
        List<FileSpec> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean isLarge = large.contains(i);
            if (isLarge) {
                sizes[i] = Math.max(MIB, Math.round(forLarge * weights[i] / weightSum));
            }
            Map.Entry<String, Area> leaf = leafList.get(i % leafCount);
            List<String> names = isLarge ? leaf.getValue().large() : leaf.getValue().small();
            // 7919 is prime to 1,000,000: distinct files get distinct numbers, hence names.
            String name =
                    String.format(names.get(rnd.nextInt(names.size())), i * 7919L % 1_000_000);
            out.add(
                    new FileSpec(
                            leaf.getKey() + "/" + name,
                            sizes[i],
                            TIMES_FROM.getEpochSecond() + rnd.nextInt(TIMES_SPAN_SECONDS),
                            rnd.nextLong(),
                            isLarge));
        }
        return new BenchTree(out, leafCount);
    }

    List<FileSpec> files() {
        return files;
    }

    /** Leaf directories (each at the fourth level). */
    int directories() {
        return directories;
    }

    long totalBytes() {
        return files.stream().mapToLong(FileSpec::size).sum();
    }

    long largeBytes() {
        return files.stream().filter(FileSpec::large).mapToLong(FileSpec::size).sum();
    }

    long largeFiles() {
        return files.stream().filter(FileSpec::large).count();
    }

    /** Writes every file under {@code root} (created), with its planned time. */
    void write(Path root) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        for (FileSpec f : files) {
            Path file = root.resolve(f.path());
            Files.createDirectories(file.getParent());
            writeRandom(file, f.size(), f.contentSeed(), buf);
            Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(f.epochSecond())));
        }
    }

    /**
     * Rewrites {@code count} small files under {@code root} with new content, spread over the tree;
     * every second one grows by half. Their time becomes now, as with any writer.
     *
     * @return the paths changed, relative to the root
     */
    List<String> change(Path root, int count) throws IOException {
        List<FileSpec> small = files.stream().filter(f -> !f.large()).toList();
        if (count > small.size()) {
            throw new IllegalArgumentException(
                    "cannot change " + count + " of " + small.size() + " small files");
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        List<String> changed = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            FileSpec f = small.get((int) ((long) j * small.size() / count));
            long size = j % 2 == 0 ? f.size() : f.size() + f.size() / 2;
            writeRandom(root.resolve(f.path()), size, ~f.contentSeed() + j, buf);
            changed.add(f.path());
        }
        return changed;
    }

    /** Writes {@code size} random bytes from {@code seed} to {@code file} (truncating it). */
    static void writeRandom(Path file, long size, long seed, ByteBuffer buf) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (FileChannel ch =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            long left = size;
            while (left > 0) {
                buf.clear();
                int n = (int) Math.min(left, buf.capacity());
                while (buf.position() + Long.BYTES <= n) {
                    buf.putLong(rnd.nextLong());
                }
                while (buf.position() < n) {
                    buf.put((byte) rnd.nextInt());
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                left -= n;
            }
        }
    }
}
