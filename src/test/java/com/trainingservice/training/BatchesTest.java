package com.trainingservice.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.data.FashionMnist;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class BatchesTest {

    private final FashionMnist.Split train = TestData.slice(20, 5).train();

    @Test
    void featuresAreTheChosenImagesRowByRowInOrder() {
        int[] order = {7, 3, 12, 0};

        INDArray features = Batches.features(train, order, 1, 3);

        assertThat(features.shape()).containsExactly(3, train.pixelsPerImage());
        assertThat(features.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(features.ordering()).isEqualTo('c');
        for (int row = 0; row < 3; row++) {
            for (int p = 0; p < train.pixelsPerImage(); p += 97) {
                assertThat(features.getFloat(row, p)).isEqualTo(train.pixel(order[1 + row], p));
            }
        }
        assertThat(Batches.features(train, 5, 2).getRow(1).getFloat(400)).isEqualTo(train.pixel(6, 400));
    }

    @Test
    void labelsAreOneHotAndTheirClassesAreReported() {
        int[] order = {4, 9, 2};
        int[] classes = new int[3];

        INDArray oneHot = Batches.oneHotLabels(train, order, 0, 3, classes);

        assertThat(oneHot.shape()).containsExactly(3, FashionMnist.CLASS_COUNT);
        for (int row = 0; row < 3; row++) {
            assertThat(classes[row]).isEqualTo(train.label(order[row]));
            assertThat(oneHot.getRow(row).sumNumber().floatValue()).isEqualTo(1f);
            assertThat(oneHot.getFloat(row, classes[row])).isEqualTo(1f);
        }
    }
}
