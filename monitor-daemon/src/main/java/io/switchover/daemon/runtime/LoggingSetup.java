package io.switchover.daemon.runtime;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Points the logging configuration at the directory the daemon's configuration names ({@code
 * logging.dir}): sets {@value #PROPERTY} and, when a logback file was given with {@code
 * -Dlogback.configurationFile}, configures logging again from it so its file appenders write there.
 * Runs once, after the configuration validated and before the daemon starts.
 */
public final class LoggingSetup {
    /** The system property the logback configuration reads the log directory from. */
    public static final String PROPERTY = "switchover.log.dir";

    private LoggingSetup() {}

    /**
     * @throws IOException when the directory cannot be created
     */
    public static void apply(Path logDir) throws IOException {
        Files.createDirectories(logDir);
        System.setProperty(PROPERTY, logDir.toString());
        String file = System.getProperty("logback.configurationFile");
        if (file == null || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        ctx.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(ctx);
        try {
            configurator.doConfigure(file);
        } catch (JoranException e) {
            throw new IOException(
                    "logging configuration " + file + " is invalid: " + e.getMessage(), e);
        }
    }
}
