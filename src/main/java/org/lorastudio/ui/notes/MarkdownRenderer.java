package org.lorastudio.ui.notes;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import com.vladsch.flexmark.ast.Image;
import com.vladsch.flexmark.ast.ImageRef;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.ext.yaml.front.matter.YamlFrontMatterExtension;
import com.vladsch.flexmark.html.AttributeProvider;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.html.IndependentAttributeProviderFactory;
import com.vladsch.flexmark.html.renderer.AttributablePart;
import com.vladsch.flexmark.html.renderer.LinkResolverContext;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.data.MutableDataSet;
import com.vladsch.flexmark.util.html.MutableAttributes;
import com.vladsch.flexmark.util.sequence.Escaping;
import org.jetbrains.annotations.NotNull;

/**
 * Notes Markdown to HTML for the preview, safe to show in a {@code WebView}: raw HTML in the notes is escaped
 * (shown as text, never run), {@code javascript:}-style links are rendered as plain text, and images from the
 * network are not loaded (their {@code src} is dropped; the alt text says why). The page also carries a
 * Content-Security-Policy that allows local images and inline styles only, and the views turn JavaScript off.
 * Notes are the user's own, but they are also shared and pasted, and a preview must never phone home.
 */
public final class MarkdownRenderer {
    /** Link targets rendered as text only (flexmark's SUPPRESSED_LINKS). */
    static final String SUPPRESSED_LINKS = "(?i)\\s*(javascript|vbscript|data|livescript):.*";
    /** Another machine: a scheme then two slashes (file://host too), two slashes or backslashes alone, http, ftp. */
    private static final Pattern REMOTE = Pattern.compile("(?is)(([a-z][a-z0-9+.-]*:)?[/\\\\]{2}|(https?|ftp|wss?):).*");
    /** Schemes that run script when a browser follows them, as checked on the browser's reading of a URL. */
    private static final Pattern SCRIPT = Pattern.compile("(?is)(javascript|vbscript|data|livescript):.*");
    static final String BLOCKED_ALT = "remote image not loaded";

    private static final String CSS = """
            body { font-family: 'DejaVu Sans', sans-serif; font-size: 13px; line-height: 1.45; color: #222;
                   margin: 10px 14px; }
            h1 { font-size: 1.5em; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            h2 { font-size: 1.2em; margin-top: 1.2em; }
            code { background: #f2f2f2; padding: 1px 4px; border-radius: 3px; font-size: 12px; }
            pre { background: #f5f5f5; padding: 8px; overflow-x: auto; }
            table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 3px 8px; }
            em { color: #777; } img { max-width: 100%; } blockquote { color: #555; border-left: 3px solid #ddd;
            margin-left: 0; padding-left: 10px; }
            """;

    private final Parser parser;
    private final HtmlRenderer renderer;

    public MarkdownRenderer() {
        MutableDataSet o = new MutableDataSet();
        o.set(Parser.EXTENSIONS, List.of(TablesExtension.create(), YamlFrontMatterExtension.create()));
        o.set(HtmlRenderer.ESCAPE_HTML, true);
        o.set(HtmlRenderer.ESCAPE_HTML_BLOCKS, true);
        o.set(HtmlRenderer.ESCAPE_INLINE_HTML, true);
        o.set(HtmlRenderer.SUPPRESSED_LINKS, SUPPRESSED_LINKS);
        parser = Parser.builder(o).build();
        renderer = HtmlRenderer.builder(o).attributeProviderFactory(new IndependentAttributeProviderFactory() {
            @Override
            public @NotNull AttributeProvider apply(@NotNull LinkResolverContext context) {
                return MarkdownRenderer::sanitize;
            }
        }).build();
    }

    /** The HTML fragment for {@code markdown}. */
    public String html(String markdown) {
        com.vladsch.flexmark.util.ast.Document doc = parser.parse(markdown == null ? "" : markdown);
        // HTML comments (the studio's "data:begin" markers among them) are invisible in every Markdown viewer;
        // escaping them like other raw HTML printed them as text, so they are dropped (not in code blocks)
        List<Node> comments = new java.util.ArrayList<>();
        for (Node n : doc.getDescendants()) {
            if (n instanceof com.vladsch.flexmark.ast.HtmlCommentBlock
                    || n instanceof com.vladsch.flexmark.ast.HtmlInlineComment) {
                comments.add(n);
            }
        }
        comments.forEach(Node::unlink);
        return renderer.render(doc);
    }

    /**
     * A whole page for a {@code WebView}: the fragment, the style sheet, the security policy, and, when
     * {@code baseDir} is given, a base URL so that relative images ({@code samples/step100-p0.png}) show.
     */
    public String page(String markdown, Path baseDir) {
        String base = baseDir == null ? "" : "<base href=\"" + escapeAttr(baseDir.toUri().toString()) + "\">";
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src file: data:;"
                + " style-src 'unsafe-inline'\">" + base + "<style>" + CSS + "</style></head><body>"
                + html(markdown) + "</body></html>";
    }

    /**
     * Drops remote image sources and script links. SUPPRESSED_LINKS alone misses {@code java&#9;script:}, which a
     * browser reads as {@code javascript:} (found by the hostile-notes test), so every URL is judged in the form a
     * browser resolves it: see {@link #browserForm}.
     */
    private static void sanitize(Node node, AttributablePart part, MutableAttributes attributes) {
        // flexmark passes an image's attributes as its LINK part
        if (node instanceof Image || node instanceof ImageRef) {
            String src = attributes.getValue("src");
            if (src != null && (REMOTE.matcher(browserForm(src)).matches() || isScript(src))) {
                attributes.remove("src");
                attributes.replaceValue("alt", BLOCKED_ALT);
                attributes.replaceValue("title", BLOCKED_ALT);
            }
        } else if (attributes.contains("href") && SCRIPT.matcher(browserForm(attributes.getValue("href"))).matches()) {
            attributes.remove("href");
        }
    }

    /** A script URL; {@code data:image/...} is an inline picture, which the policy allows. */
    private static boolean isScript(String url) {
        String u = browserForm(url);
        return SCRIPT.matcher(u).matches() && !u.regionMatches(true, 0, "data:image/", 0, 11);
    }

    /**
     * A URL as a browser reads its scheme (WHATWG URL parsing): character references decoded, tabs and line breaks
     * anywhere removed, control characters and spaces at either end trimmed.
     */
    static String browserForm(String url) {
        String s = Escaping.unescapeHtml(url).replaceAll("[\\t\\n\\r]", "");
        return s.replaceAll("^[\\x00-\\x20]+|[\\x00-\\x20]+$", "");
    }

    private static String escapeAttr(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }
}
