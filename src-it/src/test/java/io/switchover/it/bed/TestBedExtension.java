package io.switchover.it.bed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test a fresh {@link TestBed} and removes it afterwards, pass or fail.
 *
 * <p>Before the class: skips it (loudly, on stderr too) unless the JVM runs as root with {@code ip}
 * and {@code iptables} available, requires the packaged distribution, and removes leftovers of
 * crashed earlier runs. After the class: fails if any namespace of this JVM is still there.
 */
public final class TestBedExtension
        implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace STORE =
            ExtensionContext.Namespace.create(TestBedExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        List<String> missing = new ArrayList<>();
        String uid = Sh.tryRun(Sh.DEFAULT_TIMEOUT, List.of("id", "-u")).output().trim();
        if (!"0".equals(uid)) {
            missing.add("root (uid is " + uid + ")");
        }
        for (String tool : List.of("ip", "iptables")) {
            if (!Sh.onPath(tool)) {
                missing.add("the `" + tool + "` command");
            }
        }
        if (!missing.isEmpty()) {
            String message =
                    "SKIPPING the multi-host fault suite ("
                            + context.getDisplayName()
                            + "): it needs "
                            + String.join(", ", missing)
                            + " to build network namespaces. Run it as root on a host with"
                            + " iproute2 and iptables (`.ci/run` installs them).";
            System.err.println("\n!!!!! " + message + "\n");
            Assumptions.abort(message);
        }
        Distribution dist = Distribution.locate();
        context.getStore(STORE).put(Distribution.class, dist);
        List<String> removed = TestBed.removeLeftovers();
        if (!removed.isEmpty()) {
            System.err.println("so-it: removed leftovers of an earlier crashed run: " + removed);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getStore(STORE).get(Distribution.class) == null) {
            return; // skipped
        }
        List<String> left = TestBed.namespacesOfThisJvm();
        if (!left.isEmpty()) {
            throw new AssertionError("namespaces left behind by this run: " + left);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestBed.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // Stores are hierarchical: the class's store, filled in beforeAll, is visible here.
        Distribution dist = context.getStore(STORE).get(Distribution.class, Distribution.class);
        try {
            Path dir =
                    Files.createTempDirectory(
                            "so-it-" + context.getRequiredTestMethod().getName() + "-");
            TestBed bed = TestBed.create(dir, dist, FastProfile.demo());
            // Closed when the test's context closes: after the test, pass or fail.
            context.getStore(STORE)
                    .put(TestBed.class, (ExtensionContext.Store.CloseableResource) bed::close);
            return bed;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot build the test bed: " + e, e);
        }
    }
}
