package com.trainingservice.training;

import com.trainingservice.training.data.FashionMnist;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Test accuracy in inference mode (batch norm on running statistics), in large batches. */
final class Evaluation {

    private Evaluation() {
    }

    static double accuracy(MultiLayerNetwork network, FashionMnist.Split split, int batchSize) {
        long correct = 0;
        for (int from = 0; from < split.count(); from += batchSize) {
            int size = Math.min(batchSize, split.count() - from);
            INDArray output = network.output(Batches.features(split, from, size), false);
            long[] predicted = output.argMax(1).toLongVector();
            for (int i = 0; i < size; i++) {
                if (predicted[i] == split.label(from + i)) {
                    correct++;
                }
            }
        }
        return (double) correct / split.count();
    }
}
