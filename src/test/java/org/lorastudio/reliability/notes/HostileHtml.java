package org.lorastudio.reliability.notes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small reader of the HTML that the notes renderer writes, to check it the way a browser would see it: the tags,
 * their attributes with entities decoded, and whether a URL would run script or reach the network. Only what the
 * checks need; flexmark writes regular HTML (quoted attributes, escaped text), and a tag this reader cannot parse
 * is itself a failure.
 */
final class HostileHtml {
    /** A start tag as a browser would build it. */
    record Tag(String name, Map<String, String> attributes) {
    }

    private static final Pattern TAG = Pattern.compile("<([a-zA-Z][a-zA-Z0-9-]*)((?:\\s+[^\\s=/>]+(?:\\s*=\\s*(?:\"[^\"]*\"|'[^']*'|[^\\s\"'>]+))?)*)\\s*/?>");
    private static final Pattern ATTRIBUTE = Pattern.compile("([^\\s=/>]+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+)))?");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);?");
    /** Schemes that run script in a browser. */
    private static final Pattern SCRIPT_URL = Pattern.compile("(?i)(javascript|vbscript|livescript|data):.*");
    /** Schemes or forms that reach another machine (SMB shares on Windows included). */
    private static final Pattern REMOTE_URL = Pattern.compile("(?i)([a-z][a-z0-9+.-]*:)?[/\\\\]{2}.*|(https?|ftp|wss?):.*");

    private HostileHtml() {
    }

    static List<Tag> tags(String html) {
        List<Tag> tags = new ArrayList<>();
        Matcher m = TAG.matcher(html);
        while (m.find()) {
            Map<String, String> attributes = new LinkedHashMap<>();
            Matcher a = ATTRIBUTE.matcher(m.group(2));
            while (a.find()) {
                String value = a.group(2) != null ? a.group(2) : a.group(3) != null ? a.group(3)
                        : a.group(4) != null ? a.group(4) : "";
                attributes.put(a.group(1).toLowerCase(Locale.ROOT), decode(value));
            }
            tags.add(new Tag(m.group(1).toLowerCase(Locale.ROOT), attributes));
        }
        return tags;
    }

    /** Decodes character references as an HTML parser does before it looks at a URL. */
    static String decode(String s) {
        Matcher m = ENTITY.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String r;
            if (e.startsWith("#x") || e.startsWith("#X")) {
                r = Character.toString(Integer.parseInt(e.substring(2), 16));
            } else if (e.startsWith("#")) {
                r = Character.toString(Integer.parseInt(e.substring(1)));
            } else {
                r = switch (e.toLowerCase(Locale.ROOT)) {
                    case "amp" -> "&";
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "apos" -> "'";
                    case "colon" -> ":";
                    case "tab" -> "\t";
                    case "newline" -> "\n";
                    default -> m.group();
                };
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(r));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * The URL as a browser resolves its scheme: leading and trailing C0 controls and spaces dropped, tabs and line
     * breaks anywhere removed (WHATWG URL parsing).
     */
    static String browserUrl(String raw) {
        String s = raw.replaceAll("[\\t\\n\\r]", "");
        return s.replaceAll("^[\\x00-\\x20]+|[\\x00-\\x20]+$", "");
    }

    static boolean runsScript(String url) {
        return SCRIPT_URL.matcher(browserUrl(url)).matches();
    }

    static boolean isRemote(String url) {
        return REMOTE_URL.matcher(browserUrl(url)).matches();
    }
}
