"""The beneficiary portal: public pages to track a request, rate the service, read the policy."""
