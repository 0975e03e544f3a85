package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents exactly the keys the loader knows, in the same order. */
class DocumentationTest {

    private static final Path DOC = RepositoryFiles.root().resolve("docs/configuration.md");

    /** A key row of a reference table: {@code | `ping.delay` | ...}. */
    private static final Pattern KEY_ROW = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|");

    @Test
    void configurationDoc_keyTables_matchTheLoadersKeys() throws IOException {
        assertThat(documentedKeys()).containsExactlyElementsOf(ConfigLoader.knownKeys());
    }

    @Test
    void configurationDoc_keyRows_haveEveryColumn() throws IOException {
        for (String line : Files.readAllLines(DOC)) {
            if (KEY_ROW.matcher(line).find()) {
                // key | type | default | allowed | meaning | source parameter
                assertThat(line.split("(?<!\\\\)\\|", -1)).as(line).hasSize(8);
            }
        }
    }

    private static List<String> documentedKeys() throws IOException {
        return Files.readAllLines(DOC).stream()
                .map(KEY_ROW::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .toList();
    }
}
