package com.trainingservice.training;

import org.nd4j.linalg.factory.Nd4j;

/** Names the device ND4J computes on, for job results and logs. */
public final class Devices {

    private Devices() {
    }

    /** "cpu" on the native backend, "cuda" on the CUDA backend. */
    public static String current() {
        String backend = Nd4j.getBackend().getClass().getSimpleName().toLowerCase();
        return backend.contains("cuda") || backend.contains("jcublas") ? "cuda" : "cpu";
    }
}
