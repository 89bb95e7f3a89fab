package io.canopy.node;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import io.canopy.global.ledger.DirectoryJournal;
import io.canopy.io.FileLockedException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * How a coordinator takes the journal over: it opens the directory, and when the ledgers are locked by another
 * writer it waits — the coordinator it replaces may still be shutting down (a partition's minority downs itself
 * while the majority starts the singleton elsewhere) — restarting with backoff until the lock is free or
 * {@code wait} has passed. It never writes beside another coordinator. Any other failure to open is final.
 */
final class JournalTakeover {

    private JournalTakeover() {
    }

    /**
     * @param then   the coordinator's behaviour, given the open journal
     * @param giveUp told why, once, when the journal cannot be had (the behaviour then stops)
     */
    static <T> Behavior<T> open(Path directory, Duration wait, PrintStream out,
                                BiFunction<ActorContext<T>, DirectoryJournal, Behavior<T>> then, Consumer<String> giveUp) {
        AtomicLong lockedSince = new AtomicLong(-1);
        Behavior<T> opening = Behaviors.setup(context -> {
            DirectoryJournal journal;
            try {
                journal = DirectoryJournal.open(directory);
            } catch (FileLockedException e) {
                long now = System.nanoTime();
                if (lockedSince.compareAndSet(-1, now)) {
                    NodeGuardian.say(out, "global: waiting for the previous coordinator to release the journal ("
                        + e.getMessage() + ")");
                }
                if (now - lockedSince.get() < wait.toNanos()) {
                    throw new JournalBusy(e);
                }
                giveUp.accept("the coordinator cannot open its journal in " + directory + ": " + e.getMessage() + " for "
                    + wait.toSeconds() + " s; is another coordinator writing it?");
                return Behaviors.stopped();
            } catch (IOException e) {
                context.getLog().error("global: cannot open the journal in {}: {}", directory, e.toString());
                giveUp.accept("the coordinator cannot open its journal in " + directory + ": " + e.getMessage());
                return Behaviors.stopped();
            }
            if (lockedSince.getAndSet(-1) >= 0) {
                NodeGuardian.say(out, "global: the journal is free; taking it over");
            }
            return then.apply(context, journal);
        });
        // One line says it waits; a stack trace per attempt would not help.
        return Behaviors.supervise(opening).onFailure(JournalBusy.class,
            SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.2).withLoggingEnabled(false));
    }

    /** The journal is locked by a coordinator still shutting down: start again after a pause. */
    private static final class JournalBusy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JournalBusy(FileLockedException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
