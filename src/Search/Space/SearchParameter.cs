namespace Apollo.Search.Space;

/// <summary>
/// One dimension of a discrete search space: a name and its ordered grid of values (e.g. the
/// published value list of <c>pe_x</c>). Order matters: optimizers treat neighbouring indices as
/// neighbouring values (normalization to [0, 1] is by index).
/// </summary>
public sealed record SearchParameter(string Name, IReadOnlyList<double> Values);
