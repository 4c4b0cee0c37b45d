using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Apollo.Configuration;

/// <summary>
/// Typed, error-reporting access to a YAML document. Every accessor knows the file and the dotted
/// path of the field so that a bad value is reported as "file:line: field 'a.b': problem".
/// </summary>
public sealed class YamlNode
{
    private readonly YamlNode? _parent;

    private YamlNode(string file, string path, YamlDotNet.RepresentationModel.YamlNode node, YamlNode? parent)
    {
        File = file;
        Path = path;
        Node = node;
        _parent = parent;
    }

    public string File { get; }

    /// <summary>Dotted path of this node inside the document ("layers[3].kernel").</summary>
    public string Path { get; }

    public YamlDotNet.RepresentationModel.YamlNode Node { get; }

    /// <summary>1-based line of this node in its file.</summary>
    public int Line => (int)Node.Start.Line;

    /// <summary>
    /// Deepest nesting of lists and mappings accepted in a configuration file: 64 levels (the shipped
    /// files use at most 4). Deeper files are refused while parsing, before any recursion.
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Loads a YAML file with a bounded read (<see cref="ConfigFile"/>); a missing, unreadable, non-regular,
    /// oversized, empty, malformed or too deeply nested file is a <see cref="ConfigException"/>.
    /// </summary>
    public static YamlNode LoadFile(string path) => Parse(ConfigFile.ReadText(path), path);

    /// <summary>Parses YAML text; <paramref name="file"/> is the name used in error messages.</summary>
    public static YamlNode Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new LimitedParser(new Parser(new StringReader(text)), file));
        }
        catch (YamlException e)
        {
            throw new ConfigException(file, (int)e.Start.Line, "", $"malformed YAML: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // Some malformed inputs trip the representation model's state machine instead of the parser;
            // replay the event stream to find where the document stops making sense.
            throw new ConfigException(file, LastGoodLine(text), "", "malformed YAML: unbalanced brackets or an unexpected token after this line", e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new ConfigException(file, null, "", "the file is empty");
        }

        return new YamlNode(file, "", stream.Documents[0].RootNode, null);
    }

    private static int? LastGoodLine(string text)
    {
        var parser = new Parser(new StringReader(text));
        int? line = null;
        try
        {
            while (parser.MoveNext())
            {
                line = (int)parser.Current!.Start.Line;
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return e is YamlException y ? (int)y.Start.Line : line;
        }

        return line;
    }

    public ConfigException Error(string problem) => new(File, Line, Path, problem);

    public ConfigException Error(string field, string problem) => new(File, Line, Join(field), problem);

    public bool IsMapping => Node is YamlMappingNode;

    public bool IsSequence => Node is YamlSequenceNode;

    /// <summary>Keys of a mapping, in document order.</summary>
    public IReadOnlyList<string> Keys => AsMapping().Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? "").ToList();

    public bool Has(string key) => TryGet(key) is not null;

    public YamlNode? TryGet(string key)
    {
        var map = AsMapping();
        return map.Children.TryGetValue(new YamlScalarNode(key), out var child) && !IsNull(child)
            ? new YamlNode(File, Join(key), child, this)
            : null;
    }

    public YamlNode Get(string key) => TryGet(key) ?? throw Error(key, "required field is missing");

    /// <summary>Items of a sequence.</summary>
    public IReadOnlyList<YamlNode> Items()
    {
        if (Node is not YamlSequenceNode seq)
        {
            throw Error("expected a list");
        }

        return seq.Children.Select((c, i) => new YamlNode(File, $"{Path}[{i}]", c, this)).ToList();
    }

    /// <summary>Entries of a mapping as (key, value) pairs in document order.</summary>
    public IReadOnlyList<(string Key, YamlNode Value)> Entries() =>
        AsMapping().Children.Select(kv => (((YamlScalarNode)kv.Key).Value ?? "", new YamlNode(File, Join(((YamlScalarNode)kv.Key).Value ?? ""), kv.Value, this))).ToList();

    /// <summary>Rejects keys that are not in <paramref name="allowed"/>, listing the allowed ones.</summary>
    public void RejectUnknownKeys(params string[] allowed)
    {
        foreach (var (key, value) in Entries())
        {
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                throw new ConfigException(File, value.Line, value.Path, $"unknown field; allowed fields: {string.Join(", ", allowed)}");
            }
        }
    }

    public string AsString()
    {
        if (Node is not YamlScalarNode { Value: { } v })
        {
            throw Error("expected a text value");
        }

        return v;
    }

    public double AsDouble()
    {
        var s = AsString().Replace("_", "", StringComparison.Ordinal);
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            throw Error($"expected a number, got '{AsString()}'");
        }

        return v;
    }

    public long AsLong()
    {
        var v = AsDouble();
        if (v != Math.Floor(v) || Math.Abs(v) > 9e15)
        {
            throw Error($"expected an integer, got '{AsString()}'");
        }

        return (long)v;
    }

    public int AsInt()
    {
        var v = AsLong();
        if (v is < int.MinValue or > int.MaxValue)
        {
            throw Error($"integer out of range: {v}");
        }

        return (int)v;
    }

    /// <summary>An integer that must be at least <paramref name="minimum"/> (shapes must be positive).</summary>
    public int AsInt(int minimum)
    {
        var v = AsInt();
        if (v < minimum)
        {
            throw Error($"must be at least {minimum}, got {v}");
        }

        return v;
    }

    /// <summary>An integer in [<paramref name="minimum"/>, <paramref name="maximum"/>]; the message states the range.</summary>
    public int AsInt(int minimum, int maximum)
    {
        var v = AsDouble(minimum, maximum);
        return v == Math.Floor(v) ? (int)v : throw Error($"expected an integer, got '{AsString()}'");
    }

    /// <summary>A finite number in [<paramref name="minimum"/>, <paramref name="maximum"/>]; the message states the violated bound and the range, with <paramref name="unit"/>.</summary>
    public double AsDouble(double minimum, double maximum, string unit = "")
    {
        var v = AsDouble();
        var u = unit.Length > 0 ? " " + unit : "";
        var allowed = $"allowed: {Invariant(minimum)} to {Invariant(maximum)}{u}";
        return v < minimum ? throw Error($"must be at least {Invariant(minimum)}{u}, got {AsString()}; {allowed}")
            : v > maximum ? throw Error($"must be at most {Invariant(maximum)}{u}, got {AsString()}; {allowed}")
            : v;
    }

    /// <summary>Invariant-culture text of a number, for messages.</summary>
    public static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public bool AsBool() => AsString().ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var other => throw Error($"expected true or false, got '{other}'"),
    };

    /// <summary>A text value that must be one of <paramref name="allowed"/>.</summary>
    public string AsChoice(params string[] allowed)
    {
        var v = AsString();
        if (!allowed.Contains(v, StringComparer.Ordinal))
        {
            throw Error($"'{v}' is not allowed; allowed values: {string.Join(", ", allowed)}");
        }

        return v;
    }

    public string GetString(string key) => Get(key).AsString();

    public string GetString(string key, string fallback) => TryGet(key)?.AsString() ?? fallback;

    public double GetDouble(string key) => Get(key).AsDouble();

    public double GetDouble(string key, double fallback) => TryGet(key)?.AsDouble() ?? fallback;

    public int GetInt(string key) => Get(key).AsInt();

    public int GetInt(string key, int fallback) => TryGet(key)?.AsInt() ?? fallback;

    public bool GetBool(string key, bool fallback) => TryGet(key)?.AsBool() ?? fallback;

    private YamlMappingNode AsMapping() => Node as YamlMappingNode ?? throw Error("expected a mapping of 'field: value' entries");

    private string Join(string key) => string.IsNullOrEmpty(Path) ? key : $"{Path}.{key}";

    private static bool IsNull(YamlDotNet.RepresentationModel.YamlNode node) =>
        node is YamlScalarNode { Value: null or "~" or "null", Style: ScalarStyle.Plain };

    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line} {Path}";

    /// <summary>
    /// The node as one line of flow YAML (<c>{population: 32, survivors: latest}</c>), keys in document order,
    /// scalars single-quoted unless plain: a canonical text for snapshots that parses back to the same values.
    /// </summary>
    public string ToFlow() => Flow(Node);

    private static string Flow(YamlDotNet.RepresentationModel.YamlNode node) => node switch
    {
        YamlMappingNode m => "{" + string.Join(", ", m.Children.Select(kv => $"{Flow(kv.Key)}: {Flow(kv.Value)}")) + "}",
        YamlSequenceNode q => "[" + string.Join(", ", q.Children.Select(Flow)) + "]",
        YamlScalarNode { Value: { } v } when v.Length > 0 && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '+')
            && node is YamlScalarNode { Style: not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) } => v,
        YamlScalarNode sc => "'" + (sc.Value ?? "").Replace("'", "''", StringComparison.Ordinal) + "'",
        _ => "null",
    };

    /// <summary>The parent node, if any (used to report a missing field against its enclosing mapping).</summary>
    public YamlNode? Parent => _parent;
}
