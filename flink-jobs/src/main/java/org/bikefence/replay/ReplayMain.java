package org.bikefence.replay;

/**
 * The former entry point of {@code ./bikefence replay}, kept so the launcher script and
 * {@code -c org.bikefence.replay.ReplayMain} keep working: it runs {@link ReplayCommand}.
 */
public final class ReplayMain {
    private ReplayMain() {}

    public static void main(String[] args) {
        ReplayCommand.main(args);
    }
}
