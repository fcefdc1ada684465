namespace Fgs.Gpu;
