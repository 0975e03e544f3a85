package io.switchover.daemon.registry;

import io.switchover.core.registry.RegistryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The MVStore store, against the same contract as the core's memory store. */
class MvRegistryStoreContractTest extends RegistryStoreContractTest {

    @TempDir Path temp;

    @Override
    RegistryStore newStore() {
        return MvRegistryStore.open(temp.resolve("registry.mv.db"));
    }
}
