using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Apollo.Configuration;

/// <summary>
/// Wraps YamlDotNet's parser and checks each event before the representation model sees it: nesting
/// deeper than <see cref="YamlNode.MaxDepth"/> and keys that are not plain scalars are rejected as a
/// <see cref="ConfigException"/>. The parser itself is iterative; the representation model recurses once
/// per nesting level, so bounding the depth here is what keeps a deeply nested file from overflowing the stack.
/// Non-scalar keys would otherwise be hashed recursively (aliases make that exponential) and every
/// reader of this project addresses keys by name.
/// </summary>
internal sealed class LimitedParser(IParser inner, string file) : IParser
{
    // For each open collection: true for a mapping whose next event is a key.
    private readonly Stack<bool> _expectKey = new();
    private readonly Stack<bool> _isMapping = new();

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        var current = inner.Current!;
        switch (current)
        {
            case MappingStart or SequenceStart:
                CheckKey(current, scalarKey: false);
                if (_isMapping.Count >= YamlNode.MaxDepth)
                {
                    throw new ConfigException(file, Line(current), "", $"the YAML nests deeper than {YamlNode.MaxDepth} levels (lists and mappings inside each other); configuration files need far fewer");
                }

                _isMapping.Push(current is MappingStart);
                _expectKey.Push(current is MappingStart);
                break;
            case MappingEnd or SequenceEnd:
                if (current is MappingEnd && !_expectKey.Peek())
                {
                    // YamlDotNet emits this for a lone ':' after a block list; its representation model then
                    // throws an ArgumentException instead of a YamlException.
                    throw new ConfigException(file, Line(current), "", "malformed YAML: a key without a value before the end of this mapping");
                }

                _isMapping.Pop();
                _expectKey.Pop();
                AdvanceParent();
                break;
            case Scalar:
                CheckKey(current, scalarKey: true);
                break;
            case AnchorAlias:
                CheckKey(current, scalarKey: false);
                break;
        }

        return true;
    }

    // A collection or alias in key position is refused; any node completes one key or value of its parent.
    private void CheckKey(ParsingEvent e, bool scalarKey)
    {
        if (_expectKey.Count == 0)
        {
            return;
        }

        if (_expectKey.Peek() && !scalarKey)
        {
            throw new ConfigException(file, Line(e), "", "a key must be plain text (a list, mapping or alias cannot be a key)");
        }

        if (e is Scalar or AnchorAlias)
        {
            AdvanceParent();
        }
    }

    // One key or value of the enclosing mapping is complete: a key is followed by a value and vice versa.
    private void AdvanceParent()
    {
        if (_isMapping.Count > 0 && _isMapping.Peek())
        {
            _expectKey.Push(!_expectKey.Pop());
        }
    }

    private static int Line(ParsingEvent e) => (int)e.Start.Line;
}
