package io.switchover.daemon.snmp;

import io.switchover.core.state.Transition;
import io.switchover.daemon.snmp.SnmpSettings.EngineId;
import io.switchover.daemon.snmp.Traps.Trap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcher;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * Sends the daemon's events as traps to every configured receiver.
 *
 * <p>Threading: {@link #transition} and {@link #splitBrain} are called on the core's executor and
 * only put a trap on a bounded queue; they never block and never fail. One thread of its own
 * ({@code switchover-snmp}) takes traps off the queue in order and sends each to every receiver,
 * resolving the receiver's host name at that moment: a slow resolver or an unreachable receiver
 * delays only the traps behind it, never a decision. When the queue is full the oldest trap is
 * dropped, and the drop is counted for every receiver (it reaches none of them).
 *
 * <p>Traps are UDP datagrams: "sent" means handed to the operating system, not received. A receiver
 * that rejects a trap (wrong community, unknown SNMPv3 user or engine ID, wrong passphrase) says
 * nothing back; its own log says why.
 *
 * <p>SNMPv3: the traps are sent with this daemon's engine ID as the authoritative one, its boots
 * counter (persisted by the caller, one more at each start) and the seconds since this notifier was
 * built, so a receiver can tell a replayed trap from a new one.
 *
 * <p>Each notifier has its own SNMP4J message dispatcher, security models and protocols, never
 * SNMP4J's process-wide ones, so two daemons in one JVM (tests) keep apart.
 */
public final class SnmpNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnmpNotifier.class);

    /** How long {@link #close} lets the queue drain (the STOPPED trap of a clean shutdown). */
    static final Duration DRAIN = Duration.ofSeconds(2);

    private final Traps traps;
    private final SnmpSettings settings;
    private final EngineId engineId;
    private final int engineBoots;
    private final long startNanos = System.nanoTime();
    private final Map<SnmpReceiver, ReceiverCounters> counters;
    private final Snmp snmp;
    private final Thread sender;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Trap> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;

    /**
     * Opens the UDP socket; the sender thread starts with {@link #start()}.
     *
     * @param engineBoots this start's SNMPv3 engine boots, 1 or more
     * @throws IOException when no UDP socket can be opened
     */
    public SnmpNotifier(Traps traps, SnmpSettings settings, EngineId engineId, int engineBoots)
            throws IOException {
        if (engineBoots < 1) {
            throw new IllegalArgumentException("engine boots " + engineBoots + " < 1");
        }
        this.traps = traps;
        this.settings = settings;
        this.engineId = engineId;
        this.engineBoots = engineBoots;
        Map<SnmpReceiver, ReceiverCounters> c = new LinkedHashMap<>();
        for (SnmpReceiver r : settings.receivers()) {
            c.put(r, new ReceiverCounters(r));
        }
        this.counters = Collections.unmodifiableMap(c);
        this.snmp = openSnmp();
        this.sender = new Thread(this::run, "switchover-snmp");
        sender.setDaemon(true);
    }

    /** Starts sending; traps queued before are sent first. */
    public SnmpNotifier start() {
        sender.start();
        return this;
    }

    private Snmp openSnmp() throws IOException {
        OctetString localEngine = new OctetString(engineId.octets());
        SecurityProtocols protocols =
                new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.none);
        for (AuthProtocol a : AuthProtocol.values()) {
            protocols.addAuthenticationProtocol(a.create());
        }
        protocols.addPrivacyProtocol(new PrivAES128());
        USM usm = new USM(protocols, localEngine, engineBoots);
        MessageDispatcher dispatcher = new MessageDispatcherImpl();
        dispatcher.addMessageProcessingModel(new MPv2c());
        dispatcher.addMessageProcessingModel(
                new MPv3(
                        engineId.octets(),
                        null,
                        protocols,
                        SecurityModels.getCollection(new SecurityModel[] {usm}),
                        new CounterSupport()));
        for (SnmpReceiver r : settings.receivers()) {
            if (r instanceof SnmpReceiver.V3 v3) {
                usm.addUser(new OctetString(v3.user()), localEngine, user(v3));
            }
        }
        DefaultUdpTransportMapping transport;
        try {
            transport = new DefaultUdpTransportMapping();
        } catch (IOException e) {
            throw new IOException("snmp: cannot open a UDP socket to send traps: " + e, e);
        }
        return new Snmp(dispatcher, transport);
    }

    private static UsmUser user(SnmpReceiver.V3 r) {
        OctetString name = new OctetString(r.user());
        OctetString authPass = new OctetString(r.authPassphrase().bytes());
        OID authOid = r.auth().create().getID();
        if (r.priv() == PrivProtocol.NONE) {
            return new UsmUser(name, authOid, authPass, null, null);
        }
        return new UsmUser(
                name,
                authOid,
                authPass,
                PrivAES128.ID,
                new OctetString(r.privPassphrase().orElseThrow().bytes()));
    }

    // ------------------------------------------------------------------ events (core's thread)

    /** A transition: switchoverStateChanged, then switchoverSwitchedOver for a switchover. */
    public void transition(Transition t) {
        enqueue(traps.stateChanged(t));
        if (Traps.isSwitchover(t)) {
            enqueue(traps.switchedOver(t));
        }
    }

    /** Two primaries met: switchoverSplitBrain. */
    public void splitBrain(boolean won, String detail, long generation) {
        enqueue(traps.splitBrain(won, detail, generation));
    }

    void enqueue(Trap trap) {
        Trap dropped = null;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (queue.size() >= settings.queueSize()) {
                dropped = queue.pollFirst();
            }
            queue.addLast(trap);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (dropped != null) {
            for (ReceiverCounters c : counters.values()) {
                c.dropped.incrementAndGet();
            }
            log.warn(
                    "snmp: queue full ({} traps): dropped the oldest, {}",
                    settings.queueSize(),
                    dropped.summary());
        }
    }

    // ------------------------------------------------------------------ sender thread

    private void run() {
        while (true) {
            Trap trap;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    changed.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return;
                }
                trap = queue.pollFirst();
                sending = true;
            } finally {
                lock.unlock();
            }
            try {
                for (ReceiverCounters c : counters.values()) {
                    send(trap, c);
                }
            } finally {
                lock.lock();
                try {
                    sending = false;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void send(Trap trap, ReceiverCounters c) {
        SnmpReceiver r = c.receiver;
        try {
            UdpAddress address = new UdpAddress(InetAddress.getByName(r.host()), r.port());
            PDU pdu = r instanceof SnmpReceiver.V3 ? new ScopedPDU() : new PDU();
            pdu.setType(PDU.NOTIFICATION);
            pdu.add(
                    new org.snmp4j.smi.VariableBinding(
                            SnmpConstants.sysUpTime, new TimeTicks(upTimeHundredths())));
            pdu.add(new org.snmp4j.smi.VariableBinding(SnmpConstants.snmpTrapOID, trap.oid()));
            pdu.addAll(trap.objects());
            snmp.notify(pdu, target(r, address));
            c.sent.incrementAndGet();
            c.lastSent = Instant.now();
            log.debug("snmp: sent {} to {} ({})", trap.summary(), r.name(), r.version());
        } catch (UnknownHostException e) {
            failed(trap, c, "cannot resolve " + r.host());
        } catch (IOException | RuntimeException e) {
            failed(trap, c, e.toString());
        }
    }

    private void failed(Trap trap, ReceiverCounters c, String why) {
        c.failed.incrementAndGet();
        c.lastError = Instant.now() + " " + why;
        log.warn("snmp: could not send {} to {}: {}", trap.summary(), c.receiver.name(), why);
    }

    private Target<UdpAddress> target(SnmpReceiver r, UdpAddress address) {
        if (r instanceof SnmpReceiver.V2c v2c) {
            CommunityTarget<UdpAddress> t =
                    new CommunityTarget<>(address, new OctetString(v2c.community().bytes()));
            t.setVersion(SnmpConstants.version2c);
            return t;
        }
        SnmpReceiver.V3 v3 = (SnmpReceiver.V3) r;
        UserTarget<UdpAddress> t =
                new UserTarget<>(
                        address,
                        new OctetString(v3.user()),
                        engineId.octets(),
                        v3.priv() == PrivProtocol.NONE
                                ? SecurityLevel.AUTH_NOPRIV
                                : SecurityLevel.AUTH_PRIV);
        t.setVersion(SnmpConstants.version3);
        return t;
    }

    private long upTimeHundredths() {
        return (System.nanoTime() - startNanos) / 10_000_000L;
    }

    // ------------------------------------------------------------------ figures

    /** This daemon's SNMPv3 engine ID. */
    public EngineId engineId() {
        return engineId;
    }

    public int engineBoots() {
        return engineBoots;
    }

    /** Every receiver's counters, in configuration order. */
    public List<ReceiverCounters> counters() {
        return new ArrayList<>(counters.values());
    }

    /** Traps waiting in the queue. */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** For the status: engine, queue and each receiver's counters. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engineId", engineId.hex());
        out.put("engineBoots", engineBoots);
        out.put("queued", queued());
        out.put("queueSize", settings.queueSize());
        List<Map<String, Object>> receivers = new ArrayList<>();
        for (ReceiverCounters c : counters.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("receiver", c.receiver.name());
            m.put("version", c.receiver.version());
            if (c.receiver instanceof SnmpReceiver.V3 v3) {
                m.put("user", v3.user());
                m.put("securityLevel", v3.priv() == PrivProtocol.NONE ? "authNoPriv" : "authPriv");
            }
            m.put("sent", c.sent());
            m.put("failed", c.failed());
            m.put("dropped", c.dropped());
            if (c.lastSent != null) {
                m.put("lastSent", c.lastSent.toString());
            }
            if (c.lastError != null) {
                m.put("lastError", c.lastError);
            }
            receivers.add(m);
        }
        out.put("receivers", receivers);
        return out;
    }

    /** One receiver's trap counters: each trap is sent, failed or dropped, once per receiver. */
    public static final class ReceiverCounters {
        private final SnmpReceiver receiver;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private volatile Instant lastSent;
        private volatile String lastError;

        ReceiverCounters(SnmpReceiver receiver) {
            this.receiver = receiver;
        }

        public SnmpReceiver receiver() {
            return receiver;
        }

        /** Handed to the operating system for this receiver. */
        public long sent() {
            return sent.get();
        }

        /** Not sent: the host did not resolve, or the socket refused the datagram. */
        public long failed() {
            return failed.get();
        }

        /** Dropped from a full queue before they were sent. */
        public long dropped() {
            return dropped.get();
        }
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Stops taking events, lets the sender send what is queued for at most {@link #DRAIN} (so the
     * STOPPED trap of a clean shutdown leaves), then closes the socket.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
            if (sender.isAlive()) {
                while ((!queue.isEmpty() || sending) && System.nanoTime() < deadline) {
                    changed.awaitNanos(deadline - System.nanoTime());
                }
            }
            if (!queue.isEmpty()) {
                log.warn("snmp: {} traps not sent at shutdown", queue.size());
                queue.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        try {
            sender.join(
                    TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())) + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            snmp.close();
        } catch (IOException e) {
            log.warn("snmp: closing the socket failed: {}", e.toString());
        }
    }
}
