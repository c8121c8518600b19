package com.trainingservice.training.network;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.LayerHelper;

/**
 * DL4J 1.0.0-M2.1 keeps a layer's helper (where it attaches oneDNN) in a field it offers no setter for; this sets
 * it, for the layer class that declares it. On another DL4J version without that field nothing is replaced and
 * DL4J's own helper stays.
 */
final class LayerHelperField {

    private final Field field;

    private LayerHelperField(Field field) {
        this.field = field;
    }

    /** The field {@code helper} declared by {@code layerClass}. */
    static LayerHelperField of(Class<? extends Layer> layerClass) {
        try {
            Field field = layerClass.getDeclaredField("helper");
            field.setAccessible(true);
            return new LayerHelperField(field);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new LayerHelperField(null);
        }
    }

    /** @return whether {@code helper} is now the layer's */
    boolean set(Layer layer, LayerHelper helper) {
        if (field == null || !field.getDeclaringClass().isInstance(layer)) {
            return false;
        }
        try {
            field.set(layer, helper);
            return true;
        } catch (IllegalAccessException | IllegalArgumentException e) {
            return false;
        }
    }
}
