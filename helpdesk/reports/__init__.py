"""Reports for managers: volume, backlog, times, the committee, satisfaction, visits."""
