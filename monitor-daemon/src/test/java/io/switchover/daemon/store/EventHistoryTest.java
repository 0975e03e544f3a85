package io.switchover.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.switchover.core.state.Notice;
import io.switchover.core.state.Reason;
import io.switchover.core.state.State;
import io.switchover.core.state.Transition;
import io.switchover.daemon.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventHistoryTest {
    private static final Instant NOW = Instant.parse("2025-01-31T10:15:30.123456Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir Path temp;

    private DataDirectory directory;

    @BeforeEach
    void open() {
        directory = DataDirectory.open(temp.resolve("data"));
    }

    @AfterEach
    void close() {
        directory.close();
    }

    private EventHistory history() {
        return EventHistory.open(directory, EventHistory.DEFAULT_MAX_BYTES, CLOCK);
    }

    private static Transition promotion(long generation) {
        return new Transition(
                3,
                State.RECONNECTING,
                State.PRIMARY,
                Reason.of(Reason.Cause.MODULE_DOWN, "3 module pings failed on both connections"),
                generation,
                42);
    }

    private List<String> lines(String file) throws Exception {
        return Files.readAllLines(directory.resolve(file));
    }

    @Test
    void appendTransition_writesOneJsonLineWithTheReason() throws Exception {
        try (EventHistory history = history()) {
            history.appendTransition(promotion(4));
        }

        assertThat(lines(EventHistory.FILE))
                .containsExactly(
                        "{\"time\":\"2025-01-31T10:15:30.123Z\",\"sequence\":1,"
                                + "\"type\":\"transition\",\"from\":\"RECONNECTING\","
                                + "\"to\":\"PRIMARY\",\"cause\":\"MODULE_DOWN\","
                                + "\"detail\":\"3 module pings failed on both connections\","
                                + "\"generation\":4}");
    }

    @Test
    void readLast_afterAppends_returnsThemOldestFirstAsAppended() {
        try (EventHistory history = history()) {
            HistoryEvent transition = history.appendTransition(promotion(4));
            HistoryEvent notice =
                    history.appendNotice(
                            new Notice(Notice.Kind.SPLIT_BRAIN_WON, "peer at generation 3", 7));
            HistoryEvent hook =
                    history.append(
                            HistoryEvent.HOOK_FAILED,
                            Map.of("hook", "/etc/switchover/hooks/vip.sh", "exitStatus", 3));

            assertThat(history.readLast(10)).containsExactly(transition, notice, hook);
            assertThat(history.readLast(2)).containsExactly(notice, hook);
            assertThat(history.readLast(0)).isEmpty();
            assertThat(transition.sequence()).isEqualTo(1);
            assertThat(hook.sequence()).isEqualTo(3);
            assertThat(hook.field("exitStatus")).isEqualTo(3L);
            assertThat(notice.fields())
                    .containsExactly(
                            Map.entry("kind", "SPLIT_BRAIN_WON"),
                            Map.entry("detail", "peer at generation 3"));
        }
    }

    @Test
    void append_freeFormValues_readBackEqual() {
        try (EventHistory history = history()) {
            HistoryEvent written =
                    history.append(
                            HistoryEvent.SPLIT_BRAIN,
                            Map.of(
                                    "won",
                                    false,
                                    "ratio",
                                    0.5,
                                    "state",
                                    State.FAILED,
                                    "text",
                                    "quotes \" and\nnewline"));

            assertThat(history.readLast(1)).containsExactly(written);
            assertThat(written.field("state")).isEqualTo("FAILED");
        }
    }

    @Test
    void append_reservedFieldOrUnsupportedValue_isRejectedAndNothingWritten() throws Exception {
        try (EventHistory history = history()) {
            assertThatThrownBy(() -> history.append("x", Map.of("sequence", 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sequence");
            assertThatThrownBy(() -> history.append("x", Map.of("list", List.of(1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("list");
            assertThat(history.readLast(10)).isEmpty();
        }
        assertThat(lines(EventHistory.FILE)).isEmpty();
    }

    @Test
    void open_afterRestart_continuesTheSequence() {
        try (EventHistory history = history()) {
            history.append("a", Map.of());
            history.append("b", Map.of());
        }

        try (EventHistory history = history()) {
            assertThat(history.append("c", Map.of()).sequence()).isEqualTo(3);
            assertThat(history.readLast(5))
                    .extracting(HistoryEvent::type)
                    .containsExactly("a", "b", "c");
        }
    }

    @Test
    void open_tornLastLineAfterACrash_cutsItWithAWarningAndKeepsEverythingBefore()
            throws Exception {
        try (EventHistory history = history()) {
            history.appendTransition(promotion(4));
            history.append("b", Map.of("n", 2));
        }
        Path file = directory.resolve(EventHistory.FILE);
        Files.writeString(
                file, "{\"time\":\"2025-01-31T10:15:31Z\",\"seq", StandardOpenOption.APPEND);

        try (LogCapture log = LogCapture.of(EventHistory.class, Level.WARN);
                EventHistory history = history()) {
            assertThat(log.messages(Level.WARN))
                    .singleElement()
                    .asString()
                    .contains(file.toString(), "torn", "\"seq");
            assertThat(history.readLast(10))
                    .extracting(HistoryEvent::type)
                    .containsExactly("transition", "b");

            HistoryEvent next = history.append("c", Map.of());
            assertThat(next.sequence()).isEqualTo(3);
            assertThat(history.readLast(10))
                    .extracting(HistoryEvent::type)
                    .containsExactly("transition", "b", "c");
        }
        assertThat(Files.readString(file)).endsWith("\"type\":\"c\"}\n").doesNotContain("\"seq\"");
    }

    @Test
    void open_tornOnlyLine_startsAfresh() throws Exception {
        Files.writeString(directory.resolve(EventHistory.FILE), "{\"time\":\"2025");

        try (EventHistory history = history()) {
            assertThat(history.readLast(10)).isEmpty();
            assertThat(history.append("a", Map.of()).sequence()).isEqualTo(1);
        }
    }

    @Test
    void readLast_damagedLineInTheMiddle_skipsItWithOneWarning() throws Exception {
        try (EventHistory history = history()) {
            history.append("a", Map.of());
        }
        Files.writeString(
                directory.resolve(EventHistory.FILE),
                "not json at all\n{\"no\":\"time\"}\n",
                StandardOpenOption.APPEND);

        try (LogCapture log = LogCapture.of(EventHistory.class, Level.WARN);
                EventHistory history = history()) {
            history.append("b", Map.of());

            assertThat(history.readLast(10))
                    .extracting(HistoryEvent::type)
                    .containsExactly("a", "b");
            history.readLast(10);
            assertThat(log.messages(Level.WARN))
                    .hasSize(2)
                    .allSatisfy(m -> assertThat(m).contains("damaged and skipped"));
        }
    }

    @Test
    void append_beyondMaxBytes_rotatesKeepingOneOldFileAndEveryRecentEvent() throws Exception {
        long maxBytes = 1000;
        int appended = 60;
        try (EventHistory history = EventHistory.open(directory, maxBytes, CLOCK)) {
            for (int i = 1; i <= appended; i++) {
                history.append("tick", Map.of("n", i));
            }

            assertThat(Files.size(directory.resolve(EventHistory.FILE)))
                    .isLessThanOrEqualTo(maxBytes);
            assertThat(Files.size(directory.resolve(EventHistory.ROTATED_FILE)))
                    .isLessThanOrEqualTo(maxBytes);
            try (var files = Files.list(directory.path())) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder(
                                DataDirectory.LOCK_FILE,
                                EventHistory.FILE,
                                EventHistory.ROTATED_FILE);
            }
            List<Long> sequences =
                    history.readLast(appended).stream()
                            .map(HistoryEvent::sequence)
                            .collect(Collectors.toList());
            // Both files together: a contiguous run ending at the newest event.
            int kept = sequences.size();
            assertThat(kept).isBetween(10, appended - 1);
            assertThat(sequences)
                    .isEqualTo(
                            LongStream.rangeClosed(appended - kept + 1, appended)
                                    .boxed()
                                    .collect(Collectors.toList()));
        }
        try (EventHistory reopened = EventHistory.open(directory, maxBytes, CLOCK)) {
            assertThat(reopened.append("tock", Map.of()).sequence()).isEqualTo(appended + 1);
        }
    }

    @Test
    void readLast_fewerInTheCurrentFile_completesFromTheRotatedOne() throws Exception {
        long maxBytes = 200;
        try (EventHistory history = EventHistory.open(directory, maxBytes, CLOCK)) {
            history.append("first", Map.of("pad", "x".repeat(100)));
            history.append("second", Map.of("pad", "x".repeat(100)));

            assertThat(lines(EventHistory.ROTATED_FILE)).hasSize(1);
            assertThat(lines(EventHistory.FILE)).hasSize(1);
            assertThat(history.readLast(1))
                    .extracting(HistoryEvent::type)
                    .containsExactly("second");
            assertThat(history.readLast(5))
                    .extracting(HistoryEvent::type)
                    .containsExactly("first", "second");
        }
    }

    @Test
    void open_newFile_isOwnerOnly() throws Exception {
        try (EventHistory history = history()) {
            history.append("a", Map.of());

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history.file())))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void append_afterClose_isRefused() {
        EventHistory history = history();
        history.close();

        assertThatThrownBy(() -> history.append("a", Map.of()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readLast_nonAsciiDetail_readsBackIntact() {
        try (EventHistory history = history()) {
            history.append("note", Map.of("detail", "réseau coupé — ☎"));
        }
        try (EventHistory history = history()) {
            assertThat(history.readLast(1).get(0).field("detail")).isEqualTo("réseau coupé — ☎");
        }
    }
}
