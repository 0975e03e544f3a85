package io.switchover.daemon.registry;

import io.switchover.core.registry.MemoryRegistryStore;
import io.switchover.core.registry.RegistryStore;

/** The core's memory store, against the contract its tests rely on. */
class MemoryRegistryStoreContractTest extends RegistryStoreContractTest {

    @Override
    RegistryStore newStore() {
        return new MemoryRegistryStore();
    }
}
