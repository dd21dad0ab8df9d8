using System.Net;

namespace Downhill.Plots;

/// <summary>Builds one self-contained HTML page: inline CSS, pictures embedded as PNG data URIs or inline
/// SVG, no request to anywhere. All text given to it is HTML-escaped. Parts appear in the order added.</summary>
public sealed class HtmlReport
{
    readonly string title;
    readonly StringBuilder body = new();
    bool sectionOpen;
    int inlineSvgCount;

    /// <summary>Starts an empty report whose page title and top heading are <paramref name="title"/>.</summary>
    public HtmlReport(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        this.title = title;
    }

    /// <summary>The command that produced the report and its settings, as a key/value table.</summary>
    public HtmlReport AddSettings(string? command, IEnumerable<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        AddSection("Settings");
        if (!string.IsNullOrEmpty(command))
            body.Append("<pre class=\"command\">").Append(Escape(command)).Append("</pre>\n");
        body.Append("<table class=\"settings\">\n");
        foreach (var (key, value) in settings)
            body.Append("<tr><th>").Append(Escape(key)).Append("</th><td>").Append(Escape(value)).Append("</td></tr>\n");
        body.Append("</table>\n");
        return this;
    }

    /// <summary>Starts a new section with a heading; later text, tables and figures go in it.</summary>
    public HtmlReport AddSection(string heading)
    {
        ArgumentNullException.ThrowIfNull(heading);
        CloseSection();
        body.Append("<section>\n<h2>").Append(Escape(heading)).Append("</h2>\n");
        sectionOpen = true;
        return this;
    }

    /// <summary>A paragraph; blank lines in <paramref name="text"/> start new paragraphs.</summary>
    public HtmlReport AddText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (string paragraph in text.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            body.Append("<p>").Append(Escape(paragraph.Trim()).Replace("\n", "<br>")).Append("</p>\n");
        return this;
    }

    /// <summary>A table with a header row; each row gives one cell per header, in order. Cells are text, escaped.</summary>
    public HtmlReport AddTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        body.Append("<table>\n<tr>");
        foreach (string header in headers)
            body.Append("<th>").Append(Escape(header)).Append("</th>");
        body.Append("</tr>\n");
        int line = 0;
        foreach (var row in rows)
        {
            line++;
            if (row.Count != headers.Count)
                Throw.Argument(nameof(rows), $"table row {line} has {row.Count} cells but there are {headers.Count} headers");
            body.Append("<tr>");
            foreach (string cell in row)
                body.Append("<td>").Append(Escape(cell)).Append("</td>");
            body.Append("</tr>\n");
        }
        body.Append("</table>\n");
        return this;
    }

    /// <summary>Embeds a figure as a PNG data URI, or as inline SVG (sharp at any zoom, larger files).</summary>
    public HtmlReport AddFigure(Figure figure, string caption, ImageSize? size = null, bool asSvg = false)
    {
        ArgumentNullException.ThrowIfNull(figure);
        ArgumentNullException.ThrowIfNull(caption);
        var at = size ?? ImageSize.Default;
        if (!asSvg)
            return AddPng(figure.ToPng(at), caption);
        body.Append("<figure>\n").Append(InlineSvg(figure.ToSvg(at), at))
            .Append("\n<figcaption>").Append(Escape(caption)).Append("</figcaption>\n</figure>\n");
        return this;
    }

    /// <summary>Embeds PNG bytes made elsewhere as a data URI.</summary>
    public HtmlReport AddPng(byte[] png, string caption)
    {
        ArgumentNullException.ThrowIfNull(png);
        ArgumentNullException.ThrowIfNull(caption);
        body.Append("<figure>\n<img alt=\"").Append(Escape(caption)).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(png)).Append("\">\n<figcaption>").Append(Escape(caption))
            .Append("</figcaption>\n</figure>\n");
        return this;
    }

    /// <summary>Makes a standalone SVG document fit inside an HTML page next to other SVGs.</summary>
    string InlineSvg(string svg, ImageSize size)
    {
        // The XML declaration is only allowed at the start of a document, not inside HTML.
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start > 0) svg = svg[start..];
        // NOTE: ScottPlot names clip paths and images "cl_4", "img_0" in every SVG; two inline SVGs on one
        // page would share those ids and the second would show the first one's clips and heat map.
        string prefix = $"f{++inlineSvgCount}_";
        svg = svg.Replace("id=\"", $"id=\"{prefix}", StringComparison.Ordinal)
            .Replace("href=\"#", $"href=\"#{prefix}", StringComparison.Ordinal)
            .Replace("url(#", $"url(#{prefix}", StringComparison.Ordinal);
        // A viewBox lets the page scale the picture down to its column instead of cropping it.
        return "<svg viewBox=\"0 0 " + size.Width + " " + size.Height + "\"" + svg["<svg".Length..];
    }

    /// <summary>The whole page: one self-contained HTML document with its styles and pictures inline, no external files.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Escape(title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(Escape(title)).Append("</h1>\n")
            .Append(body);
        if (sectionOpen)
            html.Append("</section>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>
    /// The title (none when empty) and parts without the page around them, for a host that shows HTML
    /// inside its own page (a notebook cell): no document head, and no style sheet, so the host's styles apply.
    /// </summary>
    public string ToFragment()
    {
        var html = new StringBuilder("<div class=\"downhill\">\n");
        if (title.Length > 0)
            html.Append("<h3>").Append(Escape(title)).Append("</h3>\n");
        html.Append(body);
        if (sectionOpen)
            html.Append("</section>\n");
        return html.Append("</div>\n").ToString();
    }

    /// <summary>Writes the page atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ImageFile.WriteAtomically(path, Encoding.UTF8.GetBytes(ToHtml()));
    }

    void CloseSection()
    {
        if (sectionOpen)
            body.Append("</section>\n");
        sectionOpen = false;
    }

    static string Escape(string text) => WebUtility.HtmlEncode(text);

    const string Css = """
        body { font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
        h1 { border-bottom: 2px solid #1f77b4; padding-bottom: .3em; }
        section { margin-top: 2em; }
        table { border-collapse: collapse; margin: 1em 0; }
        th, td { border: 1px solid #ccc; padding: .3em .7em; text-align: left; font-variant-numeric: tabular-nums; }
        th { background: #f2f5f9; }
        pre.command { background: #f6f6f6; padding: .7em; overflow-x: auto; }
        figure { margin: 1em 0; }
        figure img, figure svg { max-width: 100%; height: auto; }
        figcaption { color: #555; font-size: .9em; }

        """;
}
