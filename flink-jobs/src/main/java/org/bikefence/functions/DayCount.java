package org.bikefence.functions;

/** Keyed state of an operator's day so far: which day and how many violations opened in it. */
public class DayCount {
    public String day;
    public long violationsOpened;

    public DayCount() {}
}
