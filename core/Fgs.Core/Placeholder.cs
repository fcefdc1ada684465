namespace Fgs.Core;
