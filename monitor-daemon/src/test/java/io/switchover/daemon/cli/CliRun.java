package io.switchover.daemon.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One switchoverctl command line, run in this JVM, with what it printed and its exit code. */
public record CliRun(int code, String out, String err) {

    /** Runs {@code args}; paths and URIs may be passed as they are. */
    public static CliRun of(Object... args) {
        return withInput("", args);
    }

    /** Runs {@code args} with {@code stdin} as standard input. */
    public static CliRun withInput(String stdin, Object... args) {
        List<String> words = new ArrayList<>();
        for (Object a : args) {
            words.add(a instanceof Path p ? p.toString() : String.valueOf(a));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err);
        int code =
                Switchoverctl.run(
                        words.toArray(String[]::new),
                        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                        o,
                        e);
        o.flush();
        e.flush();
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The output's lines. */
    public List<String> lines() {
        return out.lines().toList();
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
}
