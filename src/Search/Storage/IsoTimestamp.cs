using System.Globalization;

namespace Apollo.Search.Storage;

/// <summary>ISO-8601 UTC text with 100 ns resolution, e.g. <c>2025-03-01T12:34:56.1234567Z</c>. Sorts as text.</summary>
internal static class IsoTimestamp
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out value);

    public static DateTimeOffset Parse(string text, string what) =>
        TryParse(text, out var value)
            ? value
            : throw new StoreException($"Cannot read {what}: '{text}' is not an ISO-8601 timestamp.");
}
