package com.trainingservice.training.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.trainingservice.training.Variant;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Our pooling layer's forward pass: what DL4J's pooling layer computes, to the bit. */
class TwoByTwoPoolingTest {

    @ParameterizedTest
    @EnumSource(value = PoolingType.class, names = {"MAX", "AVG"})
    void poolsAsDl4jDoesWithTiesAndOddSizes(PoolingType type) {
        for (int size : new int[] {24, 8, 5}) {
            Nd4j.getRandom().setSeed(size);
            // small integers for ties, and negative values
            INDArray ties = Transforms.floor(Nd4j.rand(DataType.FLOAT, 9, 3, size, size).muli(4), false).subi(2);
            INDArray real = Nd4j.randn(DataType.FLOAT, 9, 3, size, size);
            for (INDArray input : new INDArray[] {ties, real}) {
                INDArray ours = layer(TwoByTwoPooling.of("pool", type)).activate(input, true,
                        LayerWorkspaceMgr.noWorkspaces());
                INDArray dl4j = layer(new SubsamplingLayer.Builder(type).name("pool").kernelSize(2, 2).stride(2, 2)
                        .padding(0, 0).dataFormat(CNN2DFormat.NCHW).build())
                        .activate(input, true, LayerWorkspaceMgr.noWorkspaces());

                assertThat(ours.shape()).isEqualTo(new long[] {9, 3, size / 2, size / 2});
                assertThat(ours.data().asFloat()).as("%s, %dx%d", type, size, size)
                        .containsExactly(dl4j.data().asFloat());
            }
        }
    }

    @Test
    void theNetworksUseItAndItsModelFilesKeepIt() throws IOException {
        MultiLayerNetwork network = LeNetFactory.build(Variant.LENET_BN_SCRATCH, 3);
        assertThat(network.getLayer("pool1")).isInstanceOf(TwoByTwoPoolingLayer.class);
        assertThat(network.getLayer("pool1").getHelper()).isInstanceOf(PoolingGradientHelper.class);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ModelSerializer.writeModel(network, file, false);

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(file.toByteArray()), false);

        assertThat(restored.getLayer("pool2")).isInstanceOf(TwoByTwoPoolingLayer.class);
        assertThat(restored.getLayerWiseConfigurations()).isEqualTo(network.getLayerWiseConfigurations());
        INDArray images = Nd4j.rand(DataType.FLOAT, 4, 784);
        assertThat(restored.output(images, false)).isEqualTo(network.output(images, false));
    }

    @Test
    void doubleArraysGoThroughDl4jsOp() {
        INDArray input = Nd4j.rand(DataType.DOUBLE, 2, 2, 6, 6);
        Layer layer = layer(TwoByTwoPooling.of("pool", PoolingType.MAX), DataType.DOUBLE);

        INDArray output = layer.activate(input, false, LayerWorkspaceMgr.noWorkspaces());

        assertThat(output.dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(output.getDouble(1, 1, 2, 2)).isEqualTo(Math.max(
                Math.max(input.getDouble(1, 1, 4, 4), input.getDouble(1, 1, 4, 5)),
                Math.max(input.getDouble(1, 1, 5, 4), input.getDouble(1, 1, 5, 5))));
    }

    private static Layer layer(org.deeplearning4j.nn.conf.layers.Layer conf) {
        return layer(conf, DataType.FLOAT);
    }

    private static Layer layer(org.deeplearning4j.nn.conf.layers.Layer conf, DataType dataType) {
        NeuralNetConfiguration configuration = new NeuralNetConfiguration.Builder().dataType(dataType).layer(conf)
                .build();
        return configuration.getLayer().instantiate(configuration, null, 0, null, true, dataType);
    }
}
