package io.canopy.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;

import io.canopy.ops.cli.UsageException;
import org.junit.jupiter.api.Test;

/** Bad flags are refused before any training starts, each with one line naming the flag and what was wrong. */
class TrainCommandTest {

    private static String refusal(String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        return assertThrows(UsageException.class, () -> new TrainCommand().run(List.of(args), sink, sink)).getMessage();
    }

    @Test
    void an_attack_without_attackers_is_refused() {
        assertEquals("--attack alie needs --byzantine above 0", refusal("--attack", "alie"));
    }

    @Test
    void an_unknown_model_attack_or_placement_names_the_choices() {
        assertEquals("unknown model 'foo'; choose softmax, mlp or mlp:<hidden>", refusal("--model", "foo"));
        assertEquals("unknown attack 'flip'; choose one of none, sign-flip, label-flip, backdoor, alie,"
            + " inner-product-manipulation", refusal("--attack", "flip", "--byzantine", "0.2"));
        assertEquals("--placement must be random or concentrated, got 'edge'", refusal("--placement", "edge"));
    }

    @Test
    void an_output_in_a_missing_directory_is_refused_before_the_run() {
        assertEquals("--chart /nonexistent-dir/x.svg: directory /nonexistent-dir does not exist",
            refusal("--chart", "/nonexistent-dir/x.svg"));
    }

    @Test
    void epsilon_is_positive_or_off_and_the_server_step_is_a_known_one() {
        assertEquals("--epsilon must be positive, got -1.0", refusal("--epsilon", "-1"));
        assertEquals("--server-optimizer must be fedavgm, fedavg or fedadam, got 'sgd'",
            refusal("--server-optimizer", "sgd"));
    }

    @Test
    void the_experiment_must_be_named() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        assertEquals("name the experiment: ./canopy experiment accuracy|robustness [--quick]", assertThrows(
            UsageException.class, () -> new ExperimentCommand().run(List.of("foo"), sink, sink)).getMessage());
    }
}
