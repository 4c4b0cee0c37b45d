using System.Runtime.CompilerServices;

// The GP numerics are internal; their tests compare them with dense reference solves.
[assembly: InternalsVisibleTo("Apollo.Search.Tests")]
