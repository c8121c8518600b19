package com.trainingservice.training;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Counts correct predictions of the training-mode forward pass of each fit step, as the reference
 * accumulates train accuracy, without a second forward pass: DL4J hands listeners the activations
 * up to the output layer before the update, and the output layer's logits are one small product
 * away. Softmax keeps the arg max, so logits suffice.
 */
final class TrainAccuracyListener extends BaseTrainingListener {

    private int[] expected = new int[0];
    private int correct;

    void expect(int[] labels) {
        this.expected = labels;
        this.correct = 0;
    }

    /** Correct predictions of the last fit step. */
    int correct() {
        return correct;
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        Layer output = ((MultiLayerNetwork) model).getOutputLayer();
        INDArray hidden = activations.get(activations.size() - 1);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray logits = hidden.mmul(output.getParam("W")).addiRowVector(output.getParam("b"));
            long[] predicted = logits.argMax(1).toLongVector();
            int hits = 0;
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == expected[i]) {
                    hits++;
                }
            }
            correct = hits;
        }
    }
}
