package io.canopy.leaf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.canopy.leaf.data.FashionMnist;
import org.junit.jupiter.api.Test;

class CentralisedTrainingTest {

    @Test
    void one_epoch_of_softmax_on_all_sixty_thousand_images_passes_eighty_percent_and_repeats_exactly() throws Exception {
        FashionMnist data = FashionMnist.shared();
        List<CentralisedTraining.Epoch> a = CentralisedTraining.run(ModelSpec.softmax(), data.train(), data.test(), 1, 8,
            0.1f, 5);
        List<CentralisedTraining.Epoch> b = CentralisedTraining.run(ModelSpec.softmax(), data.train(), data.test(), 1, 8,
            0.1f, 5);
        assertEquals(1, a.size());
        assertTrue(a.get(0).accuracy() > 0.80, "test accuracy after one epoch: " + a.get(0).accuracy());
        assertEquals(a, b, "same seed, same shuffles, same model");
    }
}
