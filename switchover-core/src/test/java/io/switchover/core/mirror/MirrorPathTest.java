package io.switchover.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MirrorPathTest {

    @Test
    void ancestor_eachDepth_prefixOfSegments() throws Exception {
        MirrorPath p = MirrorPath.parse("a/b/c");

        assertThat(p.ancestor(0)).isEqualTo(MirrorPath.ROOT);
        assertThat(p.ancestor(1)).isEqualTo(MirrorPath.parse("a"));
        assertThat(p.ancestor(2)).isEqualTo(MirrorPath.parse("a/b"));
        assertThat(p.ancestor(3)).isSameAs(p);
        assertThat(p.ancestor(2).toString()).isEqualTo("a/b");
    }

    @Test
    void ancestor_outOfRange_throws() throws Exception {
        MirrorPath p = MirrorPath.parse("a/b");

        assertThatThrownBy(() -> p.ancestor(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.ancestor(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
