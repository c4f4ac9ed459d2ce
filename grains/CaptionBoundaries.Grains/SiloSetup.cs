namespace CaptionBoundaries.Grains;

public static class SiloSetup
{
    public static ISiloBuilder UseCaptionBoundaries(this ISiloBuilder silo) => silo; // placeholder until the grains-core branch lands
}
