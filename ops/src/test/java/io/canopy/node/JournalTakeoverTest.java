package io.canopy.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.canopy.global.ledger.DirectoryJournal;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator taking the journal over from one still shutting down: it waits for the lock, never writes beside it. */
class JournalTakeoverTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private final List<String> gaveUp = new CopyOnWriteArrayList<>();

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code limit} has passed. */
    private static void await(String what, java.util.function.BooleanSupplier condition, Duration limit)
        throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + limit + ": " + what);
            Thread.sleep(20); // polling a condition, bounded by the deadline
        }
    }

    @Test
    void a_coordinator_waits_while_its_predecessor_holds_the_journal_and_takes_it_over_once_freed(@TempDir Path dir)
        throws Exception {
        DirectoryJournal predecessor = DirectoryJournal.open(dir);
        TestProbe<DirectoryJournal> opened = KIT.createTestProbe();
        KIT.spawn(JournalTakeover.<Void>open(dir, Duration.ofSeconds(60), out, (context, journal) -> {
            opened.ref().tell(journal);
            return Behaviors.empty();
        }, gaveUp::add));
        await("it says it waits", () -> printed().contains("global: waiting for the previous coordinator to release the journal ("
            + dir), Duration.ofSeconds(10));
        opened.expectNoMessage(Duration.ofMillis(500)); // still held: it must not have opened beside the predecessor
        predecessor.close();
        DirectoryJournal taken = opened.expectMessageClass(DirectoryJournal.class, Duration.ofSeconds(10));
        taken.close();
        assertTrue(printed().contains("global: the journal is free; taking it over"), printed());
        assertEquals(List.of(), gaveUp);
    }

    @Test
    void a_coordinator_gives_up_after_the_wait_and_says_who_holds_what(@TempDir Path dir) throws Exception {
        try (DirectoryJournal predecessor = DirectoryJournal.open(dir)) {
            TestProbe<DirectoryJournal> opened = KIT.createTestProbe();
            KIT.spawn(JournalTakeover.<Void>open(dir, Duration.ofSeconds(1), out, (context, journal) -> {
                opened.ref().tell(journal);
                return Behaviors.empty();
            }, gaveUp::add));
            await("it gives up", () -> !gaveUp.isEmpty(), Duration.ofSeconds(15));
            opened.expectNoMessage(Duration.ofMillis(200));
            assertEquals(1, gaveUp.size(), gaveUp.toString());
            assertTrue(gaveUp.getFirst().startsWith("the coordinator cannot open its journal in " + dir + ": "), gaveUp.getFirst());
            assertTrue(gaveUp.getFirst().endsWith(": locked by another writer for 1 s; is another coordinator writing it?"),
                gaveUp.getFirst());
        }
    }
}
