using System.Globalization;
using System.Text.Json;
using Apollo.Configuration;

namespace Apollo.Search.Optimizers;

/// <summary>Typed, range-checked reads of optimizer options; errors name the field and the allowed range.</summary>
internal static class OptionReader
{
    /// <summary>Rejects anything but a mapping whose keys are all in <paramref name="allowed"/>.</summary>
    public static void CheckKeys(YamlNode? node, params string[] allowed)
    {
        if (node is null)
        {
            return;
        }

        if (!node.IsMapping)
        {
            throw node.Error("optimizer options must be a mapping of 'field: value' entries");
        }

        if (allowed.Length == 0 && node.Keys.Count > 0)
        {
            var (key, value) = node.Entries()[0];
            throw new ConfigException(value.File, value.Line, value.Path, $"unknown field '{key}'; this optimizer has no options");
        }

        node.RejectUnknownKeys(allowed);
    }

    public static int Int(YamlNode? node, string key, int fallback, int min, int max)
    {
        var child = node?.TryGet(key);
        if (child is null)
        {
            return fallback;
        }

        var v = child.AsInt();
        return v >= min && v <= max ? v : throw child.Error($"must be an integer in [{min}, {max}], got {v}");
    }

    public static double Double(YamlNode? node, string key, double fallback, double min, double max, bool minExclusive = false)
    {
        var child = node?.TryGet(key);
        if (child is null)
        {
            return fallback;
        }

        var v = child.AsDouble();
        var ok = (minExclusive ? v > min : v >= min) && v <= max;
        return ok
            ? v
            : throw child.Error($"must be a number in {(minExclusive ? "(" : "[")}{F(min)}, {F(max)}], got {F(v)}");
    }

    public static bool Bool(YamlNode? node, string key, bool fallback) => node?.TryGet(key)?.AsBool() ?? fallback;

    /// <summary>
    /// A choice spelled as the snake_case of one of <typeparamref name="TEnum"/>'s members
    /// (<see cref="Spelling{TEnum}"/>); anything else throws a <see cref="ConfigException"/> that lists the allowed values.
    /// </summary>
    public static TEnum Choice<TEnum>(YamlNode? node, string key, TEnum fallback)
        where TEnum : struct, Enum
    {
        var child = node?.TryGet(key);
        if (child is null)
        {
            return fallback;
        }

        var values = Enum.GetValues<TEnum>();
        var spellings = values.Select(Spelling).ToArray();
        return values[Array.IndexOf(spellings, child.AsChoice(spellings))];
    }

    /// <summary>How a choice is written in YAML and docs: <c>Feasibility</c> → <c>feasibility</c>, <c>LatestFirst</c> → <c>latest_first</c>.</summary>
    public static string Spelling<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static string F(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
