package com.trainingservice.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The networks the service trains; see the reference, lenet-bn.md. */
public enum Variant {
    /** Our own batch-norm layer (forward and backward written here), max pooling. */
    LENET_BN_SCRATCH("lenet-bn-scratch"),
    /** DL4J's BatchNormalization, average pooling. */
    LENET_BN("lenet-bn"),
    /** The baseline without batch normalization, average pooling. */
    LENET("lenet");

    private final String id;

    Variant(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public static Optional<Variant> fromId(String id) {
        return Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst();
    }

    @JsonCreator
    static Variant parse(String id) {
        return fromId(id).orElseThrow(() -> new IllegalArgumentException(
                "unknown variant '" + (id != null && id.length() > 40 ? id.substring(0, 40) + "..." : id)
                        + "', expected one of " + ids()));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Variant::id).toList();
    }
}
