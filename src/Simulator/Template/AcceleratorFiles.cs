using Apollo.Configuration;

namespace Apollo.Simulator.Template;

/// <summary>A design point read from an accelerator YAML file, with the technology it names.</summary>
/// <param name="Name">The design's name (default: the file name).</param>
/// <param name="File">The file it was read from.</param>
/// <param name="Config">The design point.</param>
/// <param name="TechnologyFile">The technology file it names, resolved against its folder.</param>
/// <param name="ParameterLines">The YAML line of each parameter, so later checks (e.g. against a space) can point at it.</param>
public sealed record AcceleratorDefinition(string Name, string File, AcceleratorConfig Config, string TechnologyFile, IReadOnlyDictionary<string, int> ParameterLines);

/// <summary>The template's parameter grid: for each parameter, its allowed values in ascending order.</summary>
public sealed record TemplateSpace(string Name, string File, string TechnologyFile, IReadOnlyList<TemplateSpaceParameter> Parameters)
{
    /// <summary>Number of design points (product of the value counts; at most 64¹⁰ = 2⁶⁰, see <see cref="AcceleratorFiles.MaxValuesPerParameter"/>).</summary>
    public long Size => Parameters.Aggregate(1L, (acc, p) => checked(acc * p.Values.Count));

    /// <summary>Checks that <paramref name="config"/> lies on the grid; the error names the parameter and the allowed values.</summary>
    public void Validate(AcceleratorConfig config, Func<string, string, Exception> error)
    {
        foreach (var (name, value) in config.ToParameters())
        {
            var parameter = Parameters.First(p => p.Name == name);
            if (!parameter.Values.Contains(value))
            {
                throw error(name, $"value {Format(value)} is not in the search space '{Name}'; allowed values: {string.Join(", ", parameter.Values.Select(Format))}");
            }
        }
    }

    private static string Format(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record TemplateSpaceParameter(string Name, IReadOnlyList<double> Values);

/// <summary>Loads accelerator and space files. Relative technology paths resolve against the file's folder.</summary>
public static class AcceleratorFiles
{
    /// <summary>
    /// Most values one parameter of a space file may list: 64. Ten parameters of 64 values make 2⁶⁰ points,
    /// so the size of any space fits a 64-bit count (the optimizers address points by a mixed-radix key).
    /// </summary>
    public const int MaxValuesPerParameter = 64;

    public static AcceleratorDefinition LoadAccelerator(string path)
    {
        var root = YamlNode.LoadFile(path);
        root.RejectUnknownKeys("name", "description", "technology", "parameters");
        var parameters = root.Get("parameters");
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, node) in parameters.Entries())
        {
            if (!TemplateParameters.Names.Contains(key))
            {
                throw new ConfigException(path, node.Line, node.Path, $"unknown parameter; allowed parameters: {string.Join(", ", TemplateParameters.Names)}");
            }

            values[key] = node.AsDouble();
        }

        var config = AcceleratorConfig.FromParameters(values, (field, problem) =>
            new ConfigException(path, parameters.TryGet(field)?.Line ?? parameters.Line, $"parameters.{field}", problem));
        return new AcceleratorDefinition(
            root.GetString("name", Path.GetFileNameWithoutExtension(path)),
            path,
            config,
            ResolveTechnology(root, path),
            parameters.Entries().ToDictionary(e => e.Key, e => e.Value.Line, StringComparer.Ordinal));
    }

    public static TemplateSpace LoadSpace(string path)
    {
        var root = YamlNode.LoadFile(path);
        root.RejectUnknownKeys("name", "description", "technology", "parameters");
        var parametersNode = root.Get("parameters");
        var parameters = new List<TemplateSpaceParameter>();
        foreach (var (key, node) in parametersNode.Entries())
        {
            if (!TemplateParameters.Names.Contains(key))
            {
                throw new ConfigException(path, node.Line, node.Path, $"unknown parameter; allowed parameters: {string.Join(", ", TemplateParameters.Names)}");
            }

            var values = ReadValues(node, key);
            if (key != TemplateParameters.IoBandwidth && values.Any(v => v != Math.Floor(v)))
            {
                throw node.Error($"'{key}' takes whole numbers ({TemplateParameters.Unit(key)})");
            }

            parameters.Add(new TemplateSpaceParameter(key, values));
        }

        foreach (var name in TemplateParameters.Names)
        {
            if (parameters.All(p => p.Name != name))
            {
                throw new ConfigException(path, parametersNode.Line, $"parameters.{name}", "required parameter is missing (give one value to freeze it)");
            }
        }

        // Keep the template's canonical order so that encodings do not depend on the file's key order.
        var ordered = TemplateParameters.Names.Select(n => parameters.First(p => p.Name == n)).ToList();
        return new TemplateSpace(root.GetString("name", Path.GetFileNameWithoutExtension(path)), path, ResolveTechnology(root, path), ordered);
    }

    private static IReadOnlyList<double> ReadValues(YamlNode node, string name)
    {
        List<double> values;
        if (node.IsSequence)
        {
            var items = node.Items();
            if (items.Count > MaxValuesPerParameter)
            {
                throw node.Error($"lists {items.Count} values; at most {MaxValuesPerParameter} values per parameter are allowed");
            }

            values = items.Select(item => ParameterValue(item, name)).ToList();
        }
        else if (node.IsMapping)
        {
            node.RejectUnknownKeys("frozen");
            values = [ParameterValue(node.Get("frozen"), name)];
        }
        else
        {
            values = [ParameterValue(node, name)];
        }

        if (values.Count == 0)
        {
            throw node.Error("needs at least one value");
        }

        if (values.Distinct().Count() != values.Count)
        {
            throw node.Error("lists a value twice");
        }

        values.Sort();
        return values;
    }

    private static double ParameterValue(YamlNode node, string name)
    {
        var v = node.AsDouble();
        return v > 0 ? TemplateParameters.CheckRange(name, v, (_, problem) => node.Error(problem)) : throw node.Error($"must be a positive number, got {node.AsString()}");
    }

    private static string ResolveTechnology(YamlNode root, string path)
    {
        var technology = root.Get("technology");
        var relative = technology.AsString();
        var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", relative));
        return ConfigFile.Problem(resolved) is { } problem
            ? throw technology.Error($"technology file '{relative}' ({resolved}): {problem}")
            : resolved;
    }
}
