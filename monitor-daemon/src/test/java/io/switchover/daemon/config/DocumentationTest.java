package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchover.daemon.config.YamlTree.Mapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents exactly the keys the loader knows, in the same order. */
class DocumentationTest {

    private static final Path DOC = RepositoryFiles.root().resolve("docs/configuration.md");

    /** A key row of a reference table: {@code | `ping.delay` | ...}. */
    private static final Pattern KEY_ROW = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|");

    /** A key row of the table of a list's entries: {@code | `<entry>.path` | ...}. */
    private static final Pattern ENTRY_KEY_ROW =
            Pattern.compile("^\\| `<entry>\\.([a-z0-9-]+)` \\|");

    @Test
    void configurationDoc_keyTables_matchTheLoadersKeys() throws IOException {
        assertThat(documented(KEY_ROW)).containsExactlyElementsOf(ConfigLoader.knownKeys());
    }

    @Test
    void configurationDoc_keyRows_haveEveryColumn() throws IOException {
        for (String line : Files.readAllLines(DOC)) {
            if (KEY_ROW.matcher(line).find() || ENTRY_KEY_ROW.matcher(line).find()) {
                // key | type | default | allowed | meaning | source parameter
                assertThat(line.split("(?<!\\\\)\\|", -1)).as(line).hasSize(8);
            }
        }
    }

    /**
     * The keys of a mirrored directory's entry are asked only when the file has an entry, so they
     * are not among {@link ConfigLoader#knownKeys()}: the binder reads a file with one instead.
     */
    @Test
    void configurationDoc_entryTable_matchesTheKeysOfAMirroredDirectory() throws Exception {
        Mapping root =
                (Mapping)
                        YamlTree.parse("mirror: {initial: [{path: /srv/a}]}", new ArrayList<>())
                                .orElseThrow();
        Binding binding = new Binding(Path.of("/"));
        ConfigBinder.bind(Path.of("/switchover.yaml"), root, binding);
        String entry = "mirror.initial[0].";
        List<String> entryKeys =
                binding.leafKeys().stream()
                        .filter(k -> k.startsWith(entry))
                        .map(k -> k.substring(entry.length()))
                        .toList();

        assertThat(entryKeys).contains("path");
        assertThat(documented(ENTRY_KEY_ROW)).containsExactlyElementsOf(entryKeys);
    }

    /** A key row of the table of an SNMP receiver's keys: {@code | `<receiver>.user` | ...}. */
    private static final Pattern RECEIVER_KEY_ROW =
            Pattern.compile("^\\| `<receiver>\\.([a-z0-9-]+)` \\|");

    /** As for mirrored directories: a receiver's keys are asked only when the file has one. */
    @Test
    void configurationDoc_receiverTable_matchesTheKeysOfAnSnmpReceiver() throws Exception {
        Mapping root =
                (Mapping)
                        YamlTree.parse(
                                        "snmp: {receivers: [{address: '127.0.0.1:162'}]}",
                                        new ArrayList<>())
                                .orElseThrow();
        Binding binding = new Binding(Path.of("/"));
        ConfigBinder.bind(Path.of("/switchover.yaml"), root, binding);
        String entry = "snmp.receivers[0].";
        List<String> receiverKeys =
                binding.leafKeys().stream()
                        .filter(k -> k.startsWith(entry))
                        .map(k -> k.substring(entry.length()))
                        .toList();

        assertThat(receiverKeys).contains("address", "version");
        assertThat(documented(RECEIVER_KEY_ROW)).containsExactlyElementsOf(receiverKeys);
        for (String line : Files.readAllLines(DOC)) {
            if (RECEIVER_KEY_ROW.matcher(line).find()) {
                assertThat(line.split("(?<!\\\\)\\|", -1)).as(line).hasSize(8);
            }
        }
    }

    private static List<String> documented(Pattern row) throws IOException {
        return Files.readAllLines(DOC).stream()
                .map(row::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .toList();
    }
}
