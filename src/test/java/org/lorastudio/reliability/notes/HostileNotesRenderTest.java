package org.lorastudio.reliability.notes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.lorastudio.ui.notes.MarkdownRenderer;

/**
 * Issue 9, item 6: the notes preview runs no script and loads nothing from the network, whatever the notes hold.
 * Each hostile note is rendered by the real renderer, and the HTML is read as a browser would read it: no tag that
 * can run or embed anything, no event-handler attribute, no link whose scheme runs script once entities and
 * control characters are taken out, and no image from another machine. The page carries the security policy.
 */
class HostileNotesRenderTest {
    /** The tags flexmark writes for CommonMark plus tables; anything else came from the note. */
    private static final Set<String> ALLOWED_TAGS = Set.of("p", "a", "img", "em", "strong", "code", "pre", "h1", "h2",
            "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th",
            "td");

    static final List<String> HOSTILE_NOTES = List.of(
            "<script>alert(1)</script>",
            "text <script src=\"http://evil.example/x.js\"></script> inline",
            "<SCRIPT>alert(1)</SCRIPT>\n\nafter",
            "<img src=x onerror=alert(1)>",
            "<img src=\"http://evil.example/pixel.png\">",
            "<iframe src=\"http://evil.example/\"></iframe>",
            "<svg onload=alert(1)><circle r=5></svg>",
            "<a href=\"javascript:alert(1)\">raw link</a>",
            "<meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\">",
            "<base href=\"http://evil.example/\">",
            "<link rel=\"stylesheet\" href=\"http://evil.example/x.css\">",
            "<style>body { background: url(http://evil.example/bg.png) }</style>",
            "<object data=\"http://evil.example/x.swf\"></object><embed src=\"x.swf\">",
            "<form action=\"http://evil.example/\"><input name=a></form>",
            "<div style=\"background:url(http://evil.example/x.png)\" onclick=\"alert(1)\">div</div>",
            "<!-- comment --><p onmouseover=\"alert(1)\">hover</p>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click]( javascript:alert(1) )",
            "[click](<javascript:alert(1)>)",
            "[click](java&#x09;script:alert(1))",
            "[click](&#106;avascript:alert(1))",
            "[click](javascript&colon;alert(1))",
            "[click](&#x01;javascript:alert(1))",
            "[click](&#x0A;javascript:alert(1))",
            "[click](javascript&#x0D;:alert(1))",
            "![pixel](ht&#x09;tp://evil.example/pixel.png)",
            "![pixel](&#x20;//evil.example/pixel.png)",
            "<javascript:alert(1)>",
            "[click][r]\n\n[r]: javascript:alert(1)",
            "[click](vbscript:msgbox(1))",
            "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[click](http://example.com \"title\\\" onclick=\\\"alert(1)\")",
            "![pixel](http://evil.example/pixel.png)",
            "![pixel](https://evil.example/pixel.png)",
            "![pixel](HTTP://evil.example/pixel.png)",
            "![pixel](//evil.example/pixel.png)",
            "![pixel](\\\\evil.example\\share\\pixel.png)",
            "![pixel](ftp://evil.example/pixel.png)",
            "![pixel](file://evil.example/share/pixel.png)",
            "![pixel](   http://evil.example/pixel.png)",
            "![pixel](http&#58;//evil.example/pixel.png)",
            "![pixel](<http://evil.example/pixel.png>)",
            "![pixel](ht&#x74;p://evil.example/pixel.png)",
            "![pixel][r]\n\n[r]: http://evil.example/pixel.png",
            "![pixel](javascript:alert(1))",
            "![x](http://evil.example/a.png \"t\" onerror=\"alert(1)\")",
            "---\ntitle: <script>alert(1)</script>\n---\n# notes",
            "| a | b |\n|---|---|\n| <script>alert(1)</script> | ![p](http://evil.example/p.png) |",
            "```html\n<script>alert(1)</script>\n```",
            "    <script>indented code</script>");

    private final MarkdownRenderer renderer = new MarkdownRenderer();

    @Test
    void hostileNotesRenderToInertHtml() {
        for (String note : HOSTILE_NOTES) {
            String html = renderer.html(note);
            assertInert(note, html);
        }
    }

    @Test
    void hostileNotesStillShowTheirText() {
        // escaping must not lose what the user wrote: the script text is visible, only not run
        assertThat(renderer.html("<script>alert(1)</script>")).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(renderer.html("![pixel](http://evil.example/pixel.png)")).contains("remote image not loaded");
        assertThat(renderer.html("[click](javascript:alert(1))")).contains("click").doesNotContain("href");
    }

    @Test
    void localImagesAndWebLinksStillWork() {
        String html = renderer.html("![step 100](samples/step100-p0.png) and [docs](https://example.com/docs)");
        List<HostileHtml.Tag> tags = HostileHtml.tags(html);
        assertThat(tags).anyMatch(t -> t.name().equals("img")
                && "samples/step100-p0.png".equals(t.attributes().get("src")));
        assertThat(tags).anyMatch(t -> t.name().equals("a")
                && "https://example.com/docs".equals(t.attributes().get("href")));
    }

    @Test
    void thePageCarriesTheSecurityPolicyBeforeAnyContent() {
        String page = renderer.page("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src *\">\n\n"
                + "# Notes\n\n![p](samples/a.png)", Path.of("/tmp/run folder \"x\""));
        Matcher csp = Pattern.compile("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">")
                .matcher(page);
        assertThat(csp.find()).isTrue();
        assertThat(csp.group(1)).isEqualTo("default-src 'none'; img-src file: data:; style-src 'unsafe-inline'");
        assertThat(csp.find()).as("a second policy (from the note) in the page").isFalse();
        assertThat(page.indexOf("Content-Security-Policy")).isLessThan(page.indexOf("<body>"));
        assertThat(HostileHtml.tags(page)).filteredOn(t -> t.name().equals("base"))
                .singleElement().satisfies(t -> assertThat(t.attributes().get("href")).startsWith("file:/"));
        assertInert("page", page.substring(page.indexOf("<body>") + "<body>".length(), page.indexOf("</body>")));
    }

    /** 5,000 table rows (a pasted metrics table) render in bounded time and completely. */
    @Test
    void aHugeTableRendersInBoundedTime() {
        StringBuilder md = new StringBuilder("| step | loss | note |\n|---:|---:|---|\n");
        for (int i = 0; i < 5_000; i++) {
            md.append("| ").append(i).append(" | 0.").append(1000 + i).append(" | <b>row</b> ").append(i).append(" |\n");
        }
        renderer.html("warm-up");
        long t0 = System.nanoTime();
        String html = renderer.html(md.toString());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).as("render time of 5,000 rows").isLessThan(Duration.ofSeconds(20));
        assertThat(html.split("<tr>", -1).length - 1).isEqualTo(5_001);
        assertInert("table", html);
        System.out.printf("notes: a 5,000-row table rendered in %d ms (%,d characters of HTML)%n", took.toMillis(),
                html.length());
    }

    private static void assertInert(String note, String html) {
        List<HostileHtml.Tag> tags = HostileHtml.tags(html);
        for (HostileHtml.Tag tag : tags) {
            assertThat(ALLOWED_TAGS).as("tag <%s> rendered from %s", tag.name(), note).contains(tag.name());
            for (var a : tag.attributes().entrySet()) {
                assertThat(a.getKey()).as("attribute of <%s> from %s", tag.name(), note).doesNotStartWith("on")
                        .isNotEqualTo("style").isNotEqualTo("srcset").isNotEqualTo("formaction");
            }
            String href = tag.attributes().get("href");
            if (href != null) {
                assertThat(HostileHtml.runsScript(href)).as("href %s from %s", href, note).isFalse();
            }
            String src = tag.attributes().get("src");
            if (src != null) {
                assertThat(HostileHtml.runsScript(src) && !HostileHtml.browserUrl(src).startsWith("data:image/"))
                        .as("src %s from %s", src, note).isFalse();
                assertThat(HostileHtml.isRemote(src)).as("remote src %s from %s", src, note).isFalse();
            }
        }
        assertThat(html.toLowerCase()).as("raw tag text in %s", note).doesNotContain("<script", "<iframe", "<svg",
                "<object", "<embed", "<meta", "<link", "<style", "<form", "<base");
    }
}
