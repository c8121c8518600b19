package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * A bridge for DL4J 1.0.0-M2.1's oneDNN layer helpers, which look for ND4J's CPU environment under the name it had
 * before M2: {@code BaseMKLDNNHelper.mklDnnEnabled()} loads {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by
 * name and calls {@code getInstance()} and then {@code isUseMKLDNN()} on the result (read in its bytecode). M2.1
 * ships {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} with {@code isUseONEDNN()} instead, so
 * without this class every helper is silently dropped. Forwards reflectively: the CUDA build has no CPU bindings
 * (and DL4J never asks there).
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    public static final class Environment {

        private static final String M2_1_ENVIRONMENT = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** ND4J's own switch for oneDNN ({@code Environment.isUseONEDNN()}); false when it cannot be asked. */
        public boolean isUseMKLDNN() {
            try {
                Class<?> environment = Class.forName(M2_1_ENVIRONMENT, true, Nd4jCpu.class.getClassLoader());
                Object instance = environment.getMethod("getInstance").invoke(null);
                Method isUseOneDnn = environment.getMethod("isUseONEDNN");
                return Boolean.TRUE.equals(isUseOneDnn.invoke(instance));
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
