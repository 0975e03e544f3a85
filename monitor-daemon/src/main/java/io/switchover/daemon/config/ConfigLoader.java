package io.switchover.daemon.config;

import io.switchover.daemon.config.YamlTree.Mapping;
import io.switchover.daemon.config.YamlTree.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads and validates the daemon's configuration file; the one entry point of this package.
 *
 * <p>It never throws for anything wrong with the file: the answer is a {@link ConfigResult}, either
 * {@link ConfigResult.Valid} or {@link ConfigResult.Invalid} with every problem found, so an
 * operator fixes the file in one pass. It reads the file and the files it names (the secret, to
 * check its length; the others are checked to be readable or executable), and does nothing else: no
 * socket, no directory, no DNS lookup.
 */
public final class ConfigLoader {

    /** Where {@code switchoverd} and {@code switchoverctl} look when given no {@code --config}. */
    public static final Path DEFAULT_FILE = Path.of("/etc/switchover/switchover.yaml");

    /** Larger than any real configuration: a file this big is the wrong file. */
    static final long MAX_FILE_BYTES = 1L << 20;

    private ConfigLoader() {}

    /**
     * Reads {@code file} into a validated configuration. Relative paths in the file resolve against
     * the file's directory.
     */
    public static ConfigResult load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        List<ConfigProblem> fileProblems = new ArrayList<>();
        Optional<String> text = read(absolute, fileProblems);
        if (text.isEmpty()) {
            return new ConfigResult.Invalid(absolute, fileProblems);
        }
        Optional<Node> root;
        try {
            root = YamlTree.parse(text.get(), fileProblems);
        } catch (YamlTree.SyntaxError e) {
            return new ConfigResult.Invalid(
                    absolute, List.of(new ConfigProblem("", null, e.getMessage())));
        }
        if (root.isPresent() && !(root.get() instanceof Mapping)) {
            fileProblems.add(
                    new ConfigProblem(
                            "",
                            null,
                            "the file must hold a mapping of keys (cluster:, node:, peer:, ...),"
                                    + " not "
                                    + root.get().kind()));
            return new ConfigResult.Invalid(absolute, fileProblems);
        }
        Binding binding = new Binding(absolute.getParent());
        fileProblems.forEach(binding::add);
        Mapping mapping = root.map(Mapping.class::cast).orElse(Mapping.empty());
        Optional<DaemonConfig> config = ConfigBinder.bind(absolute, mapping, binding);
        if (config.isPresent()) {
            return new ConfigResult.Valid(config.get());
        }
        return new ConfigResult.Invalid(absolute, binding.problems());
    }

    /** Every value key the configuration knows, in file order (for documentation checks). */
    static List<String> knownKeys() {
        Binding binding = new Binding(Path.of("/"));
        ConfigBinder.bind(Path.of("/switchover.yaml"), Mapping.empty(), binding);
        return binding.leafKeys();
    }

    private static Optional<String> read(Path file, List<ConfigProblem> problems) {
        try {
            if (Files.isDirectory(file)) {
                problems.add(
                        new ConfigProblem(
                                "", null, "the file is a directory, not a configuration file"));
                return Optional.empty();
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                problems.add(
                        new ConfigProblem(
                                "",
                                null,
                                "the file is larger than 1MiB: not a switchover configuration"));
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(file);
            String text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
            // Some editors on other systems start UTF-8 files with a byte order mark.
            return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (NoSuchFileException e) {
            problems.add(new ConfigProblem("", null, "the file does not exist"));
        } catch (AccessDeniedException e) {
            problems.add(new ConfigProblem("", null, "the file is not readable by this user"));
        } catch (CharacterCodingException e) {
            problems.add(new ConfigProblem("", null, "the file is not UTF-8 text"));
        } catch (IOException e) {
            problems.add(new ConfigProblem("", null, "the file cannot be read: " + e.getMessage()));
        }
        return Optional.empty();
    }
}
