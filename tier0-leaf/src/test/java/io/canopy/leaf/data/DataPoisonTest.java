package io.canopy.leaf.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DataPoisonTest {
    private static LabelledImages images(int n) {
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
        }
        return new LabelledImages(new float[n * LabelledImages.PIXELS], labels);
    }

    private static Shard shard(LabelledImages images) {
        int[] all = new int[images.count()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return Shard.of(images, all);
    }

    @Test
    void everyKindRoundTripsThroughItsCliName() {
        for (DataPoison poison : DataPoison.values()) {
            assertEquals(poison, DataPoison.parse(poison.cliName()));
        }
        assertEquals("label-flip", DataPoison.LABEL_FLIP.cliName());
        assertEquals("unknown data poisoning 'flip'; choose one of none, label-flip, backdoor",
            assertThrows(IllegalArgumentException.class, () -> DataPoison.parse("flip")).getMessage());
    }

    @Test
    void labelFlipMapsEveryLabelYToNineMinusY() {
        LabelledImages images = images(20);
        Shard shard = shard(images);
        assertEquals(20, DataPoison.LABEL_FLIP.apply(shard, 1, 2, 1.0, 0));
        for (int i = 0; i < 20; i++) {
            assertEquals(9 - images.label(i), shard.label(i));
            assertFalse(shard.triggered(i));
        }
    }

    @Test
    void backdoorRelabelsAndTriggersAboutTheFractionAskedAndNoneIsNoOp() {
        LabelledImages images = images(4_000);
        Shard shard = shard(images);
        int poisoned = DataPoison.BACKDOOR.apply(shard, 1, 2, 0.25, 3);
        assertEquals(1_000, poisoned, 90, "about a quarter");
        int triggered = 0;
        for (int i = 0; i < shard.size(); i++) {
            if (shard.triggered(i)) {
                triggered++;
                assertEquals(3, shard.label(i));
            } else {
                assertEquals(images.label(i), shard.label(i), "a clean example keeps its label");
            }
        }
        assertEquals(poisoned, triggered);
        Shard clean = shard(images);
        assertEquals(0, DataPoison.NONE.apply(clean, 1, 2, 1.0, 3));
        assertEquals(images.label(7), clean.label(7));
    }

    @Test
    void theTriggerIsAWhiteSquareInTheBottomRightCornerOnly() {
        float[] image = new float[LabelledImages.PIXELS + 5];
        BackdoorTrigger.stamp(image, 5);
        int white = 0;
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                boolean inPatch = r >= 24 && c >= 24;
                assertEquals(inPatch ? 1f : 0f, image[5 + r * 28 + c], "pixel (" + r + ", " + c + ")");
                white += inPatch ? 1 : 0;
            }
        }
        assertEquals(16, white);
        assertTrue(image[4] == 0f);
    }
}
