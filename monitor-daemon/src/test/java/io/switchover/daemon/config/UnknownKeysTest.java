package io.switchover.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnknownKeysTest {

    @TempDir Path dir;

    @ParameterizedTest
    @CsvSource({
        "notifer, {}, notifer, notifier",
        "Cluster, x, Cluster, cluster",
        "gateway_ping, {}, gateway_ping, gateway-ping",
        "net-test, {}, net-test, nettest",
        "hook, {}, hook, hooks"
    })
    void load_misspelledTopLevelKey_didYouMean(
            String key, String value, String path, String known) {
        ConfigProblem problem = TestYaml.minimal().with(key, value).problemAt(dir, path);

        assertThat(problem.render())
                .isEqualTo(path + ": is not a known key; did you mean '" + known + "'?");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ping | {retry_max: 3} | ping.retry_max | retry-max",
                "ping | {retryMax: 3} | ping.retryMax | retry-max",
                "ping | {dealy: 1s} | ping.dealy | delay",
                "ping | {timout: 1s} | ping.timout | timeout",
                "module | {check: {type: registered}, max-failure: 2} | module.max-failure"
                        + " | max-failures",
                "module | {check: {type: http, urll: 'http://a'}} | module.check.urll | url",
                "reconnect | {atempts: 3} | reconnect.atempts | attempts",
                "hooks | {on-enter-primray: []} | hooks.on-enter-primray | on-enter-primary",
                "mirror | {quiet_period: 5ms} | mirror.quiet_period | quiet-period",
                "mirror | {inital: []} | mirror.inital | initial",
                "mirror | {continuous: [{path: /srv/a, excludes: []}]}"
                        + " | mirror.continuous[0].excludes | exclude"
            })
    void load_misspelledNestedKey_didYouMean(
            String section, String value, String path, String known) {
        ConfigProblem problem = TestYaml.minimal().with(section, value).problemAt(dir, path);

        assertThat(problem.value()).isNull();
        assertThat(problem.message())
                .isEqualTo("is not a known key; did you mean '" + known + "'?");
    }

    @Test
    void load_unknownKeyWithNothingClose_listsTheKnownKeys() {
        ConfigProblem problem =
                TestYaml.minimal().with("ping", "{frequency: 1s}").problemAt(dir, "ping.frequency");

        assertThat(problem.message())
                .isEqualTo("is not a known key of ping; known keys: delay, timeout, retry-max");
    }

    @Test
    void load_unknownTopLevelKeyWithNothingClose_listsTheSections() {
        ConfigProblem problem =
                TestYaml.minimal().with("database", "{}").problemAt(dir, "database");

        assertThat(problem.message())
                .startsWith("is not a known key; known keys: cluster, node, peer, notifier, ping,")
                .endsWith("hooks, snmp, registry, mirror, admin, logging");
    }

    @Test
    void load_misspelledChoice_didYouMean() {
        ConfigProblem problem =
                TestYaml.minimal().with("probe", "{mode: tpc}").problemAt(dir, "probe.mode");

        assertThat(problem.render())
                .isEqualTo(
                        "probe.mode: \"tpc\" must be one of auto, icmp, tcp; did you mean 'tcp'?");
    }

    @Test
    void load_unknownKeyInsideUnknownSection_onlyTheSectionReported() {
        List<ConfigProblem> problems =
                TestYaml.minimal().with("pings", "{delay: 1s, whatever: 2}").problems(dir);

        assertThat(problems).extracting(ConfigProblem::path).containsExactly("pings");
    }

    @Test
    void closest_shortWord_onlyOneEditAllowed() {
        assertThat(Suggestions.closest("dir", List.of("id"))).isEmpty();
        assertThat(Suggestions.closest("ids", List.of("id"))).contains("id");
    }

    @Test
    void closest_nothingWithinTwoEdits_empty() {
        assertThat(Suggestions.closest("keepalive", List.of("idle-timeout", "listen"))).isEmpty();
    }

    @Test
    void distance_classicPairs() {
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
        assertThat(Suggestions.distance("same", "same")).isZero();
        assertThat(Suggestions.distance("tpc", "tcp")).isEqualTo(1);
    }
}
