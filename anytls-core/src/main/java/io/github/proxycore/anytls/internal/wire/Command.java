package io.github.proxycore.anytls.internal.wire;

/** The AnyTLS frame commands (docs/protocol.md, frames) and the frame layout constants. */
public final class Command {
    public static final int WASTE = 0;
    public static final int SYN = 1;
    public static final int PSH = 2;
    public static final int FIN = 3;
    public static final int SETTINGS = 4;
    public static final int ALERT = 5;
    public static final int UPDATE_PADDING_SCHEME = 6;
    public static final int SYNACK = 7;
    public static final int HEART_REQUEST = 8;
    public static final int HEART_RESPONSE = 9;
    public static final int SERVER_SETTINGS = 10;

    /** cmd(1) + stream id(4) + length(2). */
    public static final int HEADER_LENGTH = 7;
    /** The largest data a frame can carry: the length field is an unsigned 16-bit integer. */
    public static final int MAX_DATA = 65535;

    private Command() {}

    /**
     * Whether a receiver looks at the data of {@code command}; for every other command (including unknown codes)
     * the data is skipped, the lenient reading docs/protocol.md describes.
     */
    public static boolean carriesData(int command) {
        return command == PSH
                || command == SETTINGS
                || command == ALERT
                || command == UPDATE_PADDING_SCHEME
                || command == SYNACK
                || command == SERVER_SETTINGS;
    }

    /** A name for logs. */
    public static String name(int command) {
        switch (command) {
            case WASTE:
                return "Waste";
            case SYN:
                return "SYN";
            case PSH:
                return "PSH";
            case FIN:
                return "FIN";
            case SETTINGS:
                return "Settings";
            case ALERT:
                return "Alert";
            case UPDATE_PADDING_SCHEME:
                return "UpdatePaddingScheme";
            case SYNACK:
                return "SYNACK";
            case HEART_REQUEST:
                return "HeartRequest";
            case HEART_RESPONSE:
                return "HeartResponse";
            case SERVER_SETTINGS:
                return "ServerSettings";
            default:
                return "unknown(" + command + ")";
        }
    }
}
