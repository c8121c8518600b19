package com.trainingservice;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes a plain test run replay the {@code @FuzzTest} regression inputs without Jazzer's hooks:
 * loading its thousands of hooks takes half a minute or more on a busy machine, and replaying
 * inputs needs none of them. When fuzzing ({@code JAZZER_FUZZ} set) the hooks are what guides the
 * fuzzer, so they stay on; {@code -Djazzer.hooks=true} turns them on for a regression run too.
 */
public class FuzzRegressionMode implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String fuzz = System.getenv("JAZZER_FUZZ");
        if ((fuzz == null || fuzz.isEmpty()) && System.getProperty("jazzer.hooks") == null) {
            System.setProperty("jazzer.hooks", "false");
        }
    }
}
